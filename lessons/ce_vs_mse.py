"""Lesson: cross-entropy vs squared error for a sigmoid output (seeds 000 and 003).

BCE and MSE as functions of p and of the logit z, their gradients, a marker with live readouts,
and seed 000's claims checked: the gradients never cross (the ratio is 1/(2p(1 − p)) ≥ 2), and
e⁻² is where the CE *loss* passes 2, not where the gradients cross.
"""

import streamlit as st

from lossviz import curves as cv
from lossviz.figures import curves as figs
from lossviz.ui import (
    cached,
    chart,
    explain,
    explain_errors,
    export_buttons,
    fragment,
    lesson_header,
    next_lesson_link,
    predict_then_reveal,
    table,
    widgets,
)

SLUG = "ce-vs-mse"
PREDICT_P = 0.01
HALF = 0.5

lesson_curves = cached(cv.lesson_curves)
seed_facts = cached(cv.seed_facts)


def _fmt(value: float) -> str:
    return f"{value:.4g}"


lesson_header(
    SLUG,
    "A sigmoid output p = σ(z) could be trained with squared error (p − y)² just as well as with "
    "binary cross-entropy. Why does everyone use cross-entropy?",
)

# The marker slider drives this section only, so moving it reruns this fragment, not the
# sections around it.
@fragment
def marker_section(y: int, variable: str) -> None:
    if variable == "p":
        value = widgets.slider(
            "Predicted probability p", cv.P_MIN, 1.0 - cv.P_MIN, 0.02, step=0.001, format="%.3f", key="cvm_p"
        )
    else:
        value = widgets.slider("Logit z", -cv.Z_MAX, cv.Z_MAX, -3.9, step=0.1, format="%.1f", key="cvm_z")

    readout = curves = None
    with explain_errors("This marker"):
        readout = cv.marker_readout(value, y, variable=variable)
        curves = lesson_curves(y, variable=variable)

    if readout is not None and curves is not None:
        r = readout
        st.markdown(f"At **p = {r.p:.4g}** (logit **z = {r.z:.3f}**), true label **y = {y}**:")
        m1, m2, m3 = st.columns(3)
        m1.metric("∂CE/∂z (cross-entropy)", _fmt(r.ce_grad_z))
        m2.metric("∂MSE/∂z (squared error)", _fmt(r.mse_grad_z))
        m3.metric("ratio |∂CE/∂z| ÷ |∂MSE/∂z|", f"{r.ratio:.3g}×")
        table(
            {
                "": ["cross-entropy", "squared error", "CE ÷ MSE (sizes)"],
                "loss": [_fmt(r.ce), _fmt(r.mse), f"{r.ce / r.mse:.3g}×" if r.mse > 0 else "—"],
                "∂loss/∂p": [_fmt(r.ce_grad_p), _fmt(r.mse_grad_p), f"{r.ratio_p:.3g}×"],
                "∂loss/∂z": [_fmt(r.ce_grad_z), _fmt(r.mse_grad_z), f"{r.ratio:.3g}×"],
            }
        )
        slope = r.p * (1.0 - r.p)
        if r.confidently_wrong:
            explain(
                f"The model is **wrong and confident**: it gives the true class a probability of only "
                f"{(r.p if y == 1 else 1 - r.p):.3g}. Cross-entropy answers with ∂CE/∂z = {_fmt(r.ce_grad_z)}, "
                f"close to its largest possible size of 1, so gradient descent moves z quickly. Squared error "
                f"answers with ∂MSE/∂z = {_fmt(r.mse_grad_z)}, **{r.ratio:.3g}× smaller**: its gradient with "
                f"respect to p is a healthy {_fmt(r.mse_grad_p)}, but the sigmoid's slope p(1 − p) = {slope:.3g} "
                "multiplies it on the way to z. The more confidently wrong the model, the smaller that slope: "
                "squared error stops learning exactly when learning is most needed."
            )
        else:
            explain(
                f"The model leans to the **right** class (probability {(r.p if y == 1 else 1 - r.p):.3g}), so both "
                f"gradients are modest: ∂CE/∂z = {_fmt(r.ce_grad_z)} and ∂MSE/∂z = {_fmt(r.mse_grad_z)}. "
                f"Cross-entropy's is still {r.ratio:.3g}× larger: at least twice as large at every p, with "
                "the smallest ratio, exactly 2, at p = 1/2. Move the marker to the wrong side to see the "
                "squared-error gradient die."
            )

        fig_loss = figs.loss_figure(curves, r)
        fig_grad = figs.gradient_figure(curves, r)
        col_loss, col_grad = st.columns(2)
        with col_loss:
            chart(fig_loss, key="cvm_fig_loss", alt=f"CE loss {_fmt(r.ce)}, MSE loss {_fmt(r.mse)} at p = {r.p:.4g}, y = {y}.")
            export_buttons(fig_loss, name=f"ce-vs-mse-loss-{variable}-y{y}", key="cvm_exp_loss")
        with col_grad:
            chart(fig_grad, key="cvm_fig_grad", alt=f"CE gradient {_fmt(r.ce_grad_z)}, MSE gradient {_fmt(r.mse_grad_z)} (∂/∂z) at p = {r.p:.4g}, y = {y}.")
            export_buttons(fig_grad, name=f"ce-vs-mse-gradient-{variable}-y{y}", key="cvm_exp_grad")


# The label y and the marker's variable drive sections 1 and 3 (the formulas between them are
# static): one fragment, so a change reruns these sections, not the page around them.
@fragment
def label_sections() -> None:
    # --------------------------------------------------------------------------------------------
    st.header("1. Move the prediction, read both gradients")
    left, middle = st.columns(2)
    with left:
        label = widgets.segmented_control("True label y", ["1", "0"], default="1", required=True, key="cvm_y")
    with middle:
        variable = widgets.segmented_control(
            "Marker moves along",
            ["p", "z"],
            default="p",
            required=True,
            key="cvm_var",
            help="p is the predicted probability of class 1; z is the logit, p = σ(z).",
        )
    y = 0 if label == "0" else 1
    variable = variable if variable in cv.VARIABLES else "p"

    marker_section(y, variable)

    # --------------------------------------------------------------------------------------------
    st.header("2. The formulas")
    st.markdown("For one example with label y ∈ {0, 1} and predicted probability p = σ(z):")
    st.latex(r"\mathrm{CE}(p, y) = -\left[\,y \log p + (1 - y)\log(1 - p)\,\right]")
    st.latex(r"\mathrm{MSE}(p, y) = (p - y)^2")
    st.markdown("Differentiate with respect to p:")
    st.latex(r"\frac{\partial \mathrm{CE}}{\partial p} = -\frac{y}{p} + \frac{1-y}{1-p} = \frac{p - y}{p(1 - p)}")
    st.latex(r"\frac{\partial \mathrm{MSE}}{\partial p} = 2(p - y)")
    st.markdown("Through the sigmoid, the chain rule multiplies both by dp/dz = p(1 − p):")
    st.latex(r"\frac{\partial \mathrm{CE}}{\partial z} = \frac{p - y}{p(1-p)}\cdot p(1-p) = p - y")
    st.latex(r"\frac{\partial \mathrm{MSE}}{\partial z} = 2(p - y)\,p(1 - p)")
    explain(
        "Cross-entropy's 1/(p(1 − p)) cancels the sigmoid's slope exactly; squared error keeps it. "
        "The ratio of the two gradients is the same with respect to p and to z, because the same factor "
        "multiplies both:"
    )
    st.latex(r"\frac{|\partial \mathrm{CE}|}{|\partial \mathrm{MSE}|} = \frac{1}{2p(1-p)} \;\ge\; 2")
    st.markdown("because p(1 − p) is at most 1/4 (at p = 1/2).")

    facts = None
    with explain_errors("The seed check"):
        # `facts` last: it gates everything below, so it is set only when all three succeeded.
        seed_curves = lesson_curves(y, variable="p")
        extreme = cv.marker_readout(cv.P_MIN if y == 1 else 1.0 - cv.P_MIN, y, variable="p")
        facts = seed_facts(y)

    if facts is not None:
        wrong_word = "p → 0" if y == 1 else "p → 1"
        explain(
            f"Computed for y = {y} on {facts.grid_size:,} grid points: the smallest ratio is **{facts.min_ratio:.6g}**, at "
            f"p = {facts.min_ratio_at:.4g}. With respect to z, |∂MSE/∂z| never exceeds "
            f"**{facts.mse_grad_z_max:.4f}** (= 8/27, at p = {facts.mse_grad_z_argmax:.4f}), and as {wrong_word} "
            f"it falls to {facts.mse_grad_z_wrong_end:.2g} (at p = {facts.wrong_end_p:.6g}) while |∂CE/∂z| "
            f"approaches {facts.ce_grad_z_wrong_end:.6g}."
        )

        # ----------------------------------------------------------------------------------------
        st.header("3. What the seed thread gets right and wrong")
        explain(
            "The accepted answer in the thread behind this lesson makes five claims about these curves. "
            f"Each is checked here for y = {y} (switch the label above for the other case)."
        )
        t = facts.threshold
        side = "p < e⁻²" if y == 1 else "p > 1 − e⁻²"
        other_side = "p > e⁻²" if y == 1 else "p < 1 − e⁻²"
        table(
            {
                "The thread says": [
                    "MSE loss values are bounded in [0, 1].",
                    "The gradient of MSE is 2(y − p), so its largest value is 2.",
                    "The gradient of cross-entropy is (p − y)/(p − p²).",
                    f"The cross-entropy gradient is larger than the MSE gradient whenever {side}.",
                    "The ratio is nonlinear in p, so a larger fixed learning rate cannot make up for it.",
                ],
                "Verdict": [
                    "True" if (facts.mse_loss_min == 0.0 and facts.mse_loss_max == 1.0) else "False",
                    "Size right, sign flipped" if facts.seed_mse_grad_negated else "Wrong",
                    "True" if facts.seed_ce_grad_error < 1e-9 else "Wrong",
                    "Misleading" if facts.ce_larger_share_beyond == 1.0 else "True",
                    "True" if extreme.ratio > facts.min_ratio else "False",
                ],
                "Computed": [
                    f"(p − y)² ranges from {facts.mse_loss_min:g} to {facts.mse_loss_max:g} for p in [0, 1].",
                    f"∂MSE/∂p = 2(p − y); 2(y − p) is its negative (the descent direction). "
                    f"Its size at p = {1 - y} is {facts.mse_grad_p_max:g}, the largest.",
                    f"It equals ∂CE/∂p from lossviz to a relative {facts.seed_ce_grad_error:.1e} on the grid.",
                    f"It is larger for every p: at {facts.ce_larger_share_beyond:.0%} of the grid points with "
                    f"{other_side} too, and the curves cross {facts.gradient_crossings.size} times. "
                    f"p = {t:.4f} is where the CE loss passes {cv.SEED_LEVEL:g} "
                    f"(CE there = {facts.ce_loss_at_threshold:.6g}; the loss curve crosses {cv.SEED_LEVEL:g} "
                    f"at p = {facts.ce_loss_crossing:.4f}), and {cv.SEED_LEVEL:g} is the largest MSE gradient: "
                    "a loss compared with a gradient.",
                    f"The ratio runs from {facts.min_ratio:.3g} at p = 1/2 to {extreme.ratio:.4g} at "
                    f"p = {extreme.p:g}: no single learning-rate factor matches it everywhere.",
                ],
            }
        )
        fig_seed = figs.seed_check_figure(seed_curves, facts)
        chart(fig_seed, key="cvm_fig_seed")
        export_buttons(fig_seed, name=f"ce-vs-mse-seed-check-y{y}", key="cvm_exp_seed")
        explain(
            f"On the log scale the blue curve |∂CE/∂p| stays above the dashed |∂MSE/∂p| everywhere: the smallest "
            f"gap is the factor {facts.min_ratio:.3g} at p = 1/2. The dotted CE *loss* meets the grey line at "
            f"{cv.SEED_LEVEL:g} exactly at p = {t:.4f}: that is all {'e⁻²' if y == 1 else '1 − e⁻²'} marks."
        )


label_sections()

# --------------------------------------------------------------------------------------------
st.header("4. Predict")
at_predict = cv.marker_readout(PREDICT_P, 1, variable="p")
options = ["Cross-entropy's", "Squared error's", "They are equal"]
larger = options[0] if abs(at_predict.ce_grad_z) > abs(at_predict.mse_grad_z) else options[1]
predict_then_reveal(
    f"The model says p = {PREDICT_P:g} for an example whose label is y = 1. Which gradient with respect "
    "to the logit z is larger?",
    options,
    key="cvm_predict_01",
    answer=larger,
    explanation=(
        f"∂CE/∂z = p − y = {at_predict.ce_grad_z:.4g}, while ∂MSE/∂z = 2(p − y)p(1 − p) = "
        f"{at_predict.mse_grad_z:.4g}: cross-entropy's is {at_predict.ratio:.3g}× larger. The squared-error "
        "gradient is almost zero exactly because the model is so sure of the wrong answer."
    ),
)
at_half = cv.marker_readout(HALF, 1, variable="p")
half_larger = options[0] if abs(at_half.ce_grad_p) > abs(at_half.mse_grad_p) else options[1]
predict_then_reveal(
    "The thread says the cross-entropy gradient is larger only for p < e⁻² ≈ 0.135. At p = 0.5 with y = 1, "
    "which gradient with respect to p is larger?",
    options,
    key="cvm_predict_half",
    answer=half_larger,
    explanation=(
        f"∂CE/∂p = −1/p = {at_half.ce_grad_p:.4g} and ∂MSE/∂p = 2(p − 1) = {at_half.mse_grad_p:.4g}: "
        f"cross-entropy's is {at_half.ratio_p:.3g}× larger, and p = 1/2 is where the ratio is smallest."
    ),
)

# --------------------------------------------------------------------------------------------
st.header("5. Where cross-entropy comes from")
explain(
    "If the label is a coin flip that comes up 1 with probability p (a Bernoulli variable), the "
    "probability of the observed label is $p^{y}(1-p)^{1-y}$. Its negative logarithm is exactly the "
    "binary cross-entropy, so minimising BCE is maximum-likelihood estimation for 0/1 labels. Squared "
    "error is the negative log-likelihood of a Gaussian with a fixed variance: a model of real-valued "
    "noise around p, which 0/1 labels are not. The likelihood lesson derives all three and shows what "
    "the choice does to the loss surface of a whole model."
)
st.page_link(
    "lessons/likelihood_view.py",
    label="The likelihood view: BCE, CE and MSE as negative log-likelihoods",
    icon=":material/landscape:",
)

next_lesson_link(SLUG)
