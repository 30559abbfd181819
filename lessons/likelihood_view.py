"""Lesson: the likelihood view (seed 003).

BCE, categorical CE and MSE derived as negative log-likelihoods (Bernoulli, categorical,
Gaussian with fixed σ), checked numerically against scipy.stats; then the loss surfaces of 1-D
logistic regression over (w, b) under BCE (convex) and squared error through the sigmoid (not
convex: computed curvature, plateaus, where descent ends), with gradient-descent paths.
"""

import streamlit as st

from lossviz import landscape as ls
from lossviz.figures import landscape as figs
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

SLUG = "likelihood-view"
LEARNING_RATES = ["0.01", "0.03", "0.1", "0.3", "1", "3", "10", "30"]
PREDICT = {"kind": "separable", "w0": -6.0, "b0": 0.0, "lr": 1.0, "steps": 300}
NAMES = {"bce": "cross-entropy", "mse": "squared error"}

likelihood_check = cached(ls.likelihood_check)
lesson_landscape = cached(ls.lesson_landscape, max_entries=8)
# A path of up to 1,000 steps per loss is ~80 KB; 16 of them keep memory flat over a long session.
lesson_descent = cached(ls.lesson_descent, max_entries=16)


def _steps_text(step) -> str:
    return "never, within the steps run" if step is None else f"after {step} step{'s' if step != 1 else ''}"


lesson_header(
    SLUG,
    "Where do binary cross-entropy, categorical cross-entropy and squared error come from, and why "
    "is squared error through a sigmoid harder for gradient descent?",
)

# --------------------------------------------------------------------------------------------
st.header("1. Every loss here is a negative log-likelihood")
explain(
    "Three assumptions turn a probability model into a loss:\n"
    "1. **Independent samples**: the likelihood of the data set is the product of the likelihoods of its "
    "samples, so its logarithm is a sum, and dividing by n gives a mean.\n"
    "2. **The model outputs the distribution's parameter**: p for a Bernoulli label, the class "
    "probabilities softmax(z) for a categorical one, the mean μ for a Gaussian one.\n"
    "3. For the Gaussian, **the variance σ² is fixed** (not learned)."
)
st.latex(
    r"\begin{aligned}-\frac{1}{n}\log \prod_{i=1}^{n} P(y_i \mid x_i;\theta) &= \frac{1}{n}\sum_{i=1}^{n} "
    r"\bigl[-\log P(y_i \mid x_i;\theta)\bigr]\end{aligned}"
)
st.markdown("**Bernoulli** (labels 0/1, the model gives p = P(y = 1)):")
st.latex(r"P(y \mid p) = p^{\,y}(1-p)^{1-y}")
st.latex(
    r"\begin{aligned}-\log P(y \mid p) &= -\bigl[\,y\log p + (1-y)\log(1-p)\,\bigr]\\ &= \mathrm{BCE}(p, y)"
    r"\end{aligned}"
)
st.markdown("**Categorical** (one of C classes, the model gives s = softmax(z), one-hot label y):")
st.latex(r"P(y \mid s) = \prod_{j=1}^{C} s_j^{\,y_j} = s_{\text{true class}}")
st.latex(r"\begin{aligned}-\log P(y \mid s) &= -\sum_{j=1}^{C} y_j \log s_j\\ &= \mathrm{CE}(z, y)\end{aligned}")
st.markdown("**Gaussian** with fixed σ (the model gives the mean μ = p):")
st.latex(r"p(y \mid \mu) = \frac{1}{\sqrt{2\pi\sigma^2}}\exp\!\left(-\frac{(y-\mu)^2}{2\sigma^2}\right)")
st.latex(r"-\log p(y \mid \mu) = \frac{(y-\mu)^2}{2\sigma^2} + \tfrac12\log(2\pi\sigma^2)")
st.latex(
    r"\begin{aligned}\frac{1}{n}\sum_i -\log p(y_i \mid \mu_i) &= \frac{1}{2\sigma^2}\,\mathrm{MSE}"
    r"\\ &\quad + \tfrac12\log(2\pi\sigma^2)\end{aligned}"
)
explain(
    "The factor 1/(2σ²) and the constant do not move the minimum, so with σ fixed, maximum likelihood "
    "under Gaussian noise *is* least squares. For 0/1 labels that noise model is wrong (a label is never "
    "0.3), which is one reason to prefer the Bernoulli view and its cross-entropy."
)

# σ drives this check only: moving it reruns this fragment, not the page.
@fragment
def check_section() -> None:
    sigma = widgets.slider("Gaussian σ for the check", 0.1, 5.0, 1.0, step=0.1, key="lik_sigma")
    check = None
    with explain_errors("This σ"):
        check = likelihood_check(sigma=sigma)
    if check is not None:
        explain(
            f"**Checked numerically** on {check.p.size} seeded samples: the mean NLL from scipy.stats against "
            "the loss from lossviz, scaled and shifted as derived above."
        )
        table(
            {
                "distribution": [row.distribution for row in check.rows],
                "mean NLL (scipy.stats)": [f"{row.mean_nll:.10f}" for row in check.rows],
                "lossviz loss": [f"{row.loss_name} = {row.loss_value:.10f}" for row in check.rows],
                "scale · loss + constant": [
                    f"{row.scale:.6g} · {row.loss_value:.6f} + {row.constant:.6f}" for row in check.rows
                ],
                "NLL − (scale · loss + constant)": [f"{row.residual:.1e}" for row in check.rows],
            }
        )
        with st.expander("The samples"):
            table(
                {
                    "p (Bernoulli, Gaussian mean)": [f"{v:.4f}" for v in check.p],
                    "y": [f"{v:g}" for v in check.y],
                    "logits z (categorical)": [", ".join(f"{v:.2f}" for v in row) for row in check.logits],
                    "true class": [str(int(c)) for c in check.classes],
                }
            )


check_section()

# --------------------------------------------------------------------------------------------
st.header("2. Predict")
# The prediction reads no widget: picking an answer reruns only this fragment.
@fragment
def predict_section() -> None:
    predict_paths = lesson_descent(
        PREDICT["kind"], w0=PREDICT["w0"], b0=PREDICT["b0"], lr=PREDICT["lr"], steps=PREDICT["steps"]
    )
    predict_land = lesson_landscape(PREDICT["kind"])
    reach = {loss: ls.first_step_reaching(path, predict_land.best_accuracy) for loss, path in predict_paths.items()}
    order = sorted(NAMES, key=lambda loss: (reach[loss] is None, reach[loss] or 0))
    options = ["Cross-entropy", "Squared error", "Both at the same step"]
    answer = options[2] if reach["bce"] == reach["mse"] else options[0 if order[0] == "bce" else 1]
    predict_then_reveal(
        f"Logistic regression p = σ(w·x + b) on the separable data set below, started at w = {PREDICT['w0']:g}, "
        f"b = {PREDICT['b0']:g}: every prediction confidently wrong. Full-batch gradient descent with learning "
        f"rate {PREDICT['lr']:g}. Which loss gets to {predict_land.best_accuracy:.0%} training accuracy first?",
        options,
        key="lik_predict",
        answer=answer,
        explanation=(
            f"Cross-entropy gets there {_steps_text(reach['bce'])}, squared error {_steps_text(reach['mse'])}. "
            f"At the start the cross-entropy gradient has size {predict_paths['bce'].grad_norm[0]:.3g}, the "
            f"squared-error gradient only {predict_paths['mse'].grad_norm[0]:.3g}: the sigmoid is saturated and "
            "squared error sits on a plateau. The figures below start there by default."
        ),
    )


predict_section()


# The learning rate, steps and start drive the descent in section 3 only: a change reruns this
# (nested) fragment.
@fragment
def descent_section(kind: str, land) -> None:
    c1, c2 = st.columns([2, 3])
    with c1:
        lr_text = widgets.select_slider("Learning rate", LEARNING_RATES, value="1", key="lik_lr")
        steps = widgets.slider("Steps", 10, 1000, 300, step=10, key="lik_steps")
    with c2:
        w0 = widgets.slider("Start w₀", ls.BOX[0], ls.BOX[1], PREDICT["w0"], step=0.5, key="lik_w0")
        b0 = widgets.slider("Start b₀", ls.BOX[0], ls.BOX[1], PREDICT["b0"], step=0.5, key="lik_b0")
    lr = float(lr_text)

    paths = None
    with explain_errors("These settings"):
        paths = lesson_descent(kind, w0=w0, b0=b0, lr=lr, steps=steps)
    if paths is None:
        return
    data = land.data
    reached = {loss: ls.first_step_reaching(path, land.best_accuracy) for loss, path in paths.items()}
    x_grid = ls.feature_grid(data.x)
    curves = {"start": (x_grid, ls.fitted_probabilities(w0, b0, x_grid), "start")}
    for loss, path in paths.items():
        curves[f"{NAMES[loss]} after {steps} steps"] = (
            x_grid,
            ls.fitted_probabilities(path.w[-1], path.b[-1], x_grid),
            loss,
        )
    fig_data = figs.data_figure(data.x, data.y, curves)
    chart(fig_data, key="lik_fig_data")
    export_buttons(fig_data, name=f"likelihood-data-{kind}", key="lik_exp_data")

    left, right = st.columns(2)
    for column, loss in ((left, "bce"), (right, "mse")):
        with column:
            fig = figs.surface_figure(
                land.surfaces[loss],
                path=paths[loss],
                outcomes=land.outcomes[loss],
                title=f"{NAMES[loss].capitalize()}",
            )
            chart(fig, key=f"lik_fig_surface_{loss}")
            export_buttons(fig, name=f"likelihood-surface-{loss}-{kind}", key=f"lik_exp_surface_{loss}")
    st.caption(
        "Colours: mean loss on a log scale (hover for the value). Star: start; circle: where gradient descent "
        "is after the last step; white crosses: where descent ends from anywhere on the grid; white dashed "
        "line: edge of the region where the surface curves downwards in some direction."
    )

    fig_descent = figs.descent_figure(
        {NAMES[loss].capitalize(): path for loss, path in paths.items()}, best_accuracy=land.best_accuracy
    )
    chart(fig_descent, key="lik_fig_descent")
    export_buttons(fig_descent, name=f"likelihood-descent-{kind}", key="lik_exp_descent")

    bce_path, mse_path = paths["bce"], paths["mse"]
    left_box = [
        NAMES[loss] for loss, path in paths.items() if abs(path.w).max() > ls.BOX[1] or abs(path.b).max() > ls.BOX[1]
    ]
    explain(
        f"**From (w₀, b₀) = ({w0:g}, {b0:g}) with learning rate {lr:g}.** Cross-entropy first reaches the "
        f"best possible training accuracy ({land.best_accuracy:.0%}) {_steps_text(reached['bce'])}; squared "
        f"error {_steps_text(reached['mse'])}. At the start the gradient sizes are {bce_path.grad_norm[0]:.3g} "
        f"(cross-entropy) and {mse_path.grad_norm[0]:.3g} (squared error); after {steps} steps the losses "
        f"are {bce_path.values[-1]:.4g} and {mse_path.values[-1]:.4g}, the accuracies "
        f"{bce_path.accuracy[-1]:.0%} and {mse_path.accuracy[-1]:.0%}."
        + (
            f" The {' and '.join(left_box)} path leaves the plotted box: this learning rate is too large."
            if left_box
            else ""
        )
    )


# The data set drives sections 3 to 5 (the surfaces, the descent and the claims checked on
# them): one fragment, so a change reruns these sections, not the page around them.
@fragment
def landscape_sections() -> None:
    # --------------------------------------------------------------------------------------------
    st.header("3. Loss surfaces over (w, b)")
    explain(
        "The model is p = σ(w·x + b) on a tiny 1-D data set; every point of a map below is the mean loss over "
        "the data for one (w, b). Pick a start and watch gradient descent on each surface."
    )
    kind = widgets.segmented_control(
        "Data set", list(ls.DATASET_PRESETS), default="separable", required=True, key="lik_data"
    )
    kind = kind if kind in ls.DATASET_PRESETS else "separable"
    st.caption(ls.DATASET_PRESETS[kind].capitalize() + ".")

    land = None
    with explain_errors("This data set"):
        land = lesson_landscape(kind)

    if land is not None:
        descent_section(kind, land)

        data = land.data
        # ----------------------------------------------------------------------------------------
        st.header("4. Convex or not: computed")
        bce_s, mse_s = land.surfaces["bce"], land.surfaces["mse"]
        n_points = bce_s.values.size
        explain(
            "A smooth function is convex exactly when its Hessian has no negative eigenvalue anywhere. Per sample, "
            "ℓ''(z) = p(1 − p) ≥ 0 for cross-entropy; for squared error ℓ''(z) = 2p(1 − p)[p(1 − p) + "
            "(p − y)(1 − 2p)], which for y = 1 is 2p(1 − p)²(3p − 1): negative wherever p < 1/3."
        )
        st.latex(r"H(w,b) = \frac1n\sum_i \ell''(z_i)\begin{pmatrix} x_i^2 & x_i \\ x_i & 1\end{pmatrix}")
        st.caption("with zᵢ = w·xᵢ + b, the chain rule applied twice.")
        bce_neg, mse_neg = bce_s.negative_fraction, mse_s.negative_fraction
        explain(
            f"- **Cross-entropy**: the smaller Hessian eigenvalue is negative at {bce_neg:.1%} of the "
            f"{n_points:,} grid points (its smallest value is {bce_s.min_curvature.min():.2g}): convex.\n"
            f"- **Squared error**: negative at **{mse_neg:.1%}** of the grid, down to {mse_s.min_curvature.min():.3g}."
        )
        witness = land.witnesses["mse"]
        if witness is not None:
            explain(
                "A check with loss values alone, no derivatives: on the segment from "
                f"(w, b) = ({witness.start[0]:.2f}, {witness.start[1]:.2f}) to ({witness.end[0]:.2f}, "
                f"{witness.end[1]:.2f}) the squared error is {witness.value_start:.4f} and {witness.value_end:.4f} "
                f"at the ends, so the chord's midpoint is at {(witness.value_start + witness.value_end) / 2:.4f}; "
                f"the loss at the midpoint is {witness.value_midpoint:.4f}, **{witness.gap:.4f} above the chord**. "
                "A convex function never does that."
            )
        explain(
            f"**Plateaus.** Where |∇L| < 0.001 while the loss is more than 0.05 above its best value on the grid, "
            f"gradient descent crawls although it is far from done: {land.plateaus['mse']:.1%} of the "
            f"squared-error grid and {land.plateaus['bce']:.1%} of the cross-entropy grid."
        )

        # ----------------------------------------------------------------------------------------
        st.header("5. Multiple local minima? Checking the thread")
        explain(
            'Seed 003 says squared error with a sigmoid gives "a non-convex cost function with multiple local '
            'minima". Non-convex: true, computed above. For the minima, every grid point was followed downhill '
            "and the end points refined (L-BFGS-B with the analytic gradient) inside the box "
            f"[{ls.BOX[0]:g}, {ls.BOX[1]:g}]²:"
        )
        for loss in ("bce", "mse"):
            outcomes = land.outcomes[loss]
            lines = []
            for outcome in outcomes:
                if outcome.on_edge:
                    where = "on the box's border, where the loss keeps falling further out"
                elif outcome.is_local_minimum:
                    where = f"a finite local minimum (gradient {outcome.grad_norm:.1e}, Hessian positive definite)"
                else:
                    where = "inside the box, but not a strict minimum"
                lines.append(
                    f"  - loss {outcome.value:.4g} at (w, b) = ({outcome.w:.2f}, {outcome.b:.2f}), "
                    f"accuracy {outcome.accuracy:.0%}, reached from {outcome.share:.0%} of the grid; {where}"
                )
            count = len(outcomes)
            summary = "one place" if count == 1 else f"{count} different places"
            st.markdown(f"- **{NAMES[loss].capitalize()}**: descent ends in {summary}.\n" + "\n".join(lines))
        mse_outcomes = land.outcomes["mse"]
        finite = [o for o in mse_outcomes if o.is_local_minimum]
        if len(mse_outcomes) == 1:
            verdict = (
                "**Verdict for this data**: non-convex, yes; multiple local minima, no. Squared-error descent ends "
                "in one place from every start. What hurts is the plateaus, which slow gradient descent to a crawl."
            )
        else:
            accuracies = [o.accuracy for o in mse_outcomes]
            verdict = (
                "**Verdict for this data**: non-convex, yes; and where squared-error descent ends **depends on the "
                f"start**: {len(mse_outcomes)} outcomes, whose training accuracy ranges from {min(accuracies):.0%} "
                f"to {max(accuracies):.0%}. "
            )
            valleys = len(mse_outcomes) - len(finite)
            if not finite:
                verdict += (
                    "None of them is a finite local minimum: each lies on the box's border, a valley along which "
                    "the loss keeps falling further out. Separate valleys rather than separate minima."
                )
            elif valleys:
                verdict += (
                    f"{len(finite)} {'is a finite local minimum' if len(finite) == 1 else 'are finite local minima'}; "
                    f"{'the other lies' if valleys == 1 else f'the other {valleys} lie'} on the box's border, "
                    "a valley along which the loss keeps falling further out."
                )
        explain(verdict)
        if finite and land.mse_limit < finite[0].value:
            explain(
                f"The finite squared-error minimum ({finite[0].value:.4f}) is not even the best value: far out along "
                f"the best threshold every p becomes exactly 0 or 1 and the squared error approaches the error rate, "
                f"{land.mse_limit:.4f}."
            )
        bce_count = len(land.outcomes["bce"])
        explain(
            "Cross-entropy is convex, so every local minimum is a global one: here descent ends in "
            + ("one place" if bce_count == 1 else f"{bce_count} places")
            + (
                ", on the border, because on separable data its best loss is only reached as w → ∞ "
                '(the lesson "Why BCE pushes logits to extremes" is about exactly this).'
                if data.separable
                else "."
            )
        )


landscape_sections()

next_lesson_link(SLUG)
