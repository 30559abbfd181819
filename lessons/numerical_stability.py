"""Lesson: numerical stability (seeds 001 and 002).

The naive formulas (1/(1 + exp(−z)) then log, softmax with and without the max shift, then log)
beside the stable ones (log_expit, log_softmax), in float64 and float32: the first logit where each
returns inf, NaN or 0, computed. Keras' epsilon clipping of probabilities against the logit loss.
The seed thread's NumPy snippet, its bugs, and a corrected, stable version.
"""

import math

import streamlit as st

from lossviz import stability as stab
from lossviz.figures import stability as figs
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

SLUG = "numerical-stability"
RANGES = ["10", "20", "50", "100", "200", "500", "1000", "2000", "5000", "10000"]
EPSILONS = ["1e-3", "1e-5", "1e-7", "1e-9", "1e-12"]
NAIVE_CHOICES = {
    "sigmoid then log": "sigmoid-log",
    "sigmoid then the BCE formula": "bce-formula",
    "softmax without shift then log": "softmax-log",
    "max-shifted softmax then log": "shifted-softmax-log",
}
KIND_WORDS = {"inf": "inf", "nan": "NaN", "zero": "exactly 0"}
PREDICT_Z = -30.0

break_table = cached(stab.break_table)
loss_curves = cached(stab.loss_curves)
dtype_limits = cached(stab.dtype_limits)
clipping_curves = cached(stab.clipping_curves)
seed_check = cached(stab.seed_check)


def _side_text(breaks, side: int, z_max: float) -> str:
    """One table cell: every break on one side of 0, or where the formula is still fine."""
    found = [b for b in breaks if (b.z < 0) == (side < 0)]
    if not found:
        return f"fine on all of [{-z_max:g}, 0]" if side < 0 else f"fine on all of [0, {z_max:g}]"
    parts = []
    for b in found:
        relation = "≤" if b.z < 0 else "≥"
        note = "fatal" if b.fatal else "harmless"
        parts.append(f"{KIND_WORDS[b.kind]} for z {relation} {b.z:.2f} (exact {b.exact:.3g}; {note})")
    return "; ".join(parts)


lesson_header(
    SLUG,
    "Why do PyTorch and Keras want logits (`BCEWithLogitsLoss`, `from_logits=True`) instead of "
    "probabilities, and where exactly do the textbook formulas 1/(1 + exp(−z)), softmax and log break?",
)

limits32 = dtype_limits("float32")
limits64 = dtype_limits("float64")

# --------------------------------------------------------------------------------------------
st.header("1. Naive and stable formulas as the logit grows")
# The predictions read no widget: picking an answer reruns only their fragment.
@fragment
def predict_float32() -> None:
    predict_then_reveal(
        "In float32, at what logit z does 1/(1 + exp(−z)) first return exactly 0?",
        [
            f"z ≈ {-limits32.sigmoid_one:.1f}",
            f"z ≈ {limits32.sigmoid_zero:.1f}",
            f"z ≈ {limits32.exp_underflow:.1f}",
            "Never: it only gets close to 0",
        ],
        key="num_predict_f32",
        answer=f"z ≈ {limits32.sigmoid_zero:.1f}",
        explanation=(
            f"exp(−z) overflows to inf once −z > {limits32.exp_overflow:.2f} (the log of the largest float32), "
            f"and 1/(1 + inf) = 0. The true σ({limits32.sigmoid_zero:.2f}) is {limits32.sigmoid_zero_exact:.3g}, "
            f"which float32 can still hold as a subnormal number (the smallest is {limits32.smallest_subnormal:.3g}): "
            f"the 0 is wrong, and log(0) = −inf turns the loss of {-limits32.sigmoid_zero:.2f} into inf. "
            f"scipy's expit (lossviz.sigmoid) returns {limits32.expit_at_sigmoid_zero:g} there too, so the fix is "
            "not a better σ but never taking the log of a probability: log σ(z) = log_expit(z) directly. "
            f"(In float64 the same happens at z ≈ {limits64.sigmoid_zero:.2f}.)"
        ),
    )


predict_float32()

@fragment
def breakdown_section(y: int) -> None:
    c1, c3 = st.columns([1, 2])
    with c1:
        dtype = widgets.segmented_control(
            "Float type", list(stab.DTYPES), default="float64", required=True, key="num_dtype"
        )
    with c3:
        z_range = widgets.select_slider("Logits from −R to R, R =", RANGES, value="1000", key="num_range")
    c4, c5 = st.columns([2, 1])
    with c4:
        choice = widgets.selectbox("Naive formula to plot", list(NAIVE_CHOICES), key="num_formula")
    with c5:
        scale = widgets.segmented_control(
            "Loss axis", ["log", "linear"], default="log", required=True, key="num_scale"
        )
    dtype = dtype if dtype in stab.DTYPES else "float64"
    z_max = float(z_range) if z_range in RANGES else 1000.0
    formula_name = NAIVE_CHOICES.get(choice, "sigmoid-log")

    explain(
        "Every formula below computes the same number, the binary cross-entropy of one logit z: "
        "−log σ(z) for y = 1 and −log(1 − σ(z)) = −log σ(−z) for y = 0. The softmax versions get there "
        "through the two logits (z, 0), whose softmax gives σ(z) to the first class."
    )
    # One short formula per st.latex: a long line is cut off on a phone.
    st.latex(r"\sigma(z)=\frac{1}{1+e^{-z}}")
    st.latex(r"-\log\sigma(z)=\log\!\left(1+e^{-z}\right)")
    st.latex(r"-\log\sigma(z)=\max(-z,0)+\log\!\left(1+e^{-|z|}\right)")
    st.latex(r"\log\operatorname{softmax}(z)_k = z_k - m - \log\sum_j e^{\,z_j-m}")
    st.latex(r"m=\max_j z_j")
    explain(
        "The right-hand forms are what the stable functions compute (`scipy.special.log_expit`, "
        "`log_softmax`, PyTorch's `BCEWithLogitsLoss` and `cross_entropy`): exp only ever sees numbers ≤ 0, "
        "and no logarithm ever sees a 0 that came from rounding."
    )

    breaks = curves = None
    with explain_errors("This range"):
        breaks = break_table(y, z_max=z_max, dtype=dtype)
        curves = loss_curves(formula_name, y, z_max=z_max, dtype=dtype)
    limits = limits32 if dtype == "float32" else limits64

    if breaks is not None and curves is not None:
        explain(
            f"**Where {dtype} gives up.** exp(x) overflows to inf for x > {limits.exp_overflow:.2f} and underflows "
            f"to 0 for x < {limits.exp_underflow:.2f}; 1 + exp(−z) rounds to exactly 1 for z ≥ {limits.sigmoid_one:.2f}, "
            f"so 1 − σ(z) = 0 from there. Each formula below breaks at one of these points (found by bisection "
            f"to the last float, for y = {y} on [−{z_max:g}, {z_max:g}]):"
        )
        names = list(stab.FORMULAS)
        table(
            {
                "formula": [stab.FORMULAS[n].label for n in names],
                "kind": ["stable" if stab.FORMULAS[n].stable else "naive" for n in names],
                "z < 0": [_side_text(breaks[n], -1, z_max) for n in names],
                "z > 0": [_side_text(breaks[n], 1, z_max) for n in names],
            }
        )
        naive_fatal = {n: [b for b in breaks[n] if b.fatal] for n in names if not stab.FORMULAS[n].stable}
        stable_fatal = [b for n in names if stab.FORMULAS[n].stable for b in breaks[n] if b.fatal]
        stable_zero = [b for n in names if stab.FORMULAS[n].stable for b in breaks[n] if not b.fatal]
        first_fatal = min((b for bs in naive_fatal.values() for b in bs), key=lambda b: abs(b.z), default=None)
        if first_fatal is not None:
            explain(
                f"The first fatal break of any naive formula here is at **z = {first_fatal.z:.2f}**: "
                f"“{stab.FORMULAS[first_fatal.formula].label}” returns {KIND_WORDS[first_fatal.kind]} where the loss "
                f"is {first_fatal.exact:.4g}. One such sample makes the mean loss {KIND_WORDS[first_fatal.kind]} and "
                "every gradient of the batch useless."
            )
        else:
            explain(
                f"Within ±{z_max:g} no naive formula returns inf or NaN in {dtype}: widen the range to see them fail."
            )
        if not stable_fatal:
            worst_zero = max((b.exact for b in stable_zero), default=0.0)
            explain(
                "The stable formulas never return inf or NaN on this range. "
                + (
                    f"Their only deviation is a loss of exactly 0 where the exact loss is at most {worst_zero:.3g}: "
                    "a correct, confident prediction whose tiny loss rounds away, harmless for training."
                    if stable_zero
                    else "They match the exact loss everywhere."
                )
            )
        half_fix = breaks["shifted-softmax-log"]
        underflow_break = next((b for b in half_fix if b.fatal), None)
        if underflow_break is not None:
            explain(
                f"The max shift fixes softmax's overflow, but not the log: the shifted softmax still underflows "
                f"to 0 at z = {underflow_break.z:.2f} (exp of a number below {limits.exp_underflow:.2f}) and the log "
                f"of it is −inf, where log_softmax returns the exact {underflow_break.exact:.4g}."
                + (
                    f" You may read that “σ then log” fails near z ≈ {limits.exp_underflow:.0f}: that is this "
                    f"underflow point. 1/(1 + exp(−z)) fails earlier, at z = {limits.sigmoid_zero:.2f}, because "
                    "exp(−z) overflows first."
                    if y == 1 and dtype == "float64"
                    else ""
                )
            )

        fig = figs.breakdown_figure(curves, log_y=scale != "linear")
        chart(fig, key="num_fig_breakdown")
        export_buttons(
            fig,
            name=f"numerical-stability-{formula_name}-{dtype}-y{y}",
            key="num_exp_breakdown",
            table=lambda: {
                "z": curves.z.tolist(),
                f"naive {formula_name}": curves.naive.tolist(),
                f"stable {curves.counterpart}": curves.stable.tolist(),
                "exact": curves.exact.tolist(),
            },
        )
        if curves.breaks:
            described = "; ".join(
                f"from z = {b.z:.2f} it returns {KIND_WORDS[b.kind]} (exact loss {b.exact:.3g})" for b in curves.breaks
            )
            explain(
                f"**Reading the plot.** “{stab.FORMULAS[formula_name].label}” in {dtype}, y = {y}: {described}. "
                + (
                    "On the log axis a returned 0 is a gap in the dashed curve: the solid stable curve goes on. "
                    if scale != "linear"
                    else ""
                )
                + "Each orange cross marks where a break starts, at the value the naive formula should have "
                "returned (on the bottom edge when that value is below the axis)."
            )
        else:
            explain(
                f"**Reading the plot.** “{stab.FORMULAS[formula_name].label}” does not break on [−{z_max:g}, {z_max:g}] "
                f"in {dtype} for y = {y}: the two curves coincide. Widen the range or switch to float32."
            )


# ε and the inspected logit drive this section only: moving them reruns this fragment.
@fragment
def clipping_section(y: int) -> None:
    e1, e2 = st.columns([1, 2])
    with e1:
        eps_text = widgets.select_slider("Keras epsilon ε", EPSILONS, value="1e-7", key="num_eps")
    with e2:
        probe = widgets.slider("Logit z to inspect", -50.0, 50.0, PREDICT_Z, step=0.5, key="num_z")
    eps = float(eps_text) if eps_text in EPSILONS else 1e-7

    clip = point = None
    with explain_errors("This epsilon"):
        clip = clipping_curves(y, eps=eps, z_max=50.0)
        point = stab.clipping_at(probe, y, eps=eps)

    if clip is not None and point is not None:
        m1, m2, m3, m4 = st.columns(4)
        m1.metric("p = σ(z)", f"{point.p:.4g}")
        m2.metric("Keras BCE on p", f"{point.clipped:.6g}")
        m3.metric("BCE with logits", f"{point.logits:.6g}")
        m4.metric("∂/∂z: clipped vs logits", f"{point.clipped_grad_z:.3g} vs {point.logits_grad_z:.3g}")
        side = "below ε" if point.p < eps else "above 1 − ε"
        if point.clipped_active:
            explain(
                f"At z = {point.z:g} (label {y}) the model gives p = {point.p:.4g}, {side} = {eps:g}, so Keras computes "
                f"with the clipped value and reports **{point.clipped:.6g}**, while the loss of this logit is "
                f"**{point.logits:.6g}**: off by {point.error:+.6g}. Worse, the clip passes no gradient: "
                f"∂ℓ/∂p = "
                f"{point.clipped_grad_p:g}, so ∂ℓ/∂z = {point.clipped_grad_z:g} instead of σ(z) − y = "
                f"{point.logits_grad_z:.6g}. "
                + (
                    "The most wrong samples stop teaching the model anything."
                    if abs(point.logits_grad_z) > 0.5
                    else "Here the model is confidently right, so the lost gradient was tiny anyway; the loss floor "
                    f"−log(1 − ε) = {point.clipped:.3g} is the visible symptom."
                )
            )
        else:
            explain(
                f"At z = {point.z:g} the probability {point.p:.4g} is inside [ε, 1 − ε] = [{eps:g}, 1 − {eps:g}]: the two "
                f"losses agree ({point.clipped:.6g} vs {point.logits:.6g}) and so do the gradients ({point.clipped_grad_z:.6g} "
                f"vs {point.logits_grad_z:.6g}). The clip acts for z < {clip.z_low:.2f} and z > {clip.z_high:.2f}."
            )
        fig_clip = figs.clipping_figure(clip, point)
        chart(fig_clip, key="num_fig_clip")
        export_buttons(
            fig_clip,
            name=f"numerical-stability-keras-eps-{eps_text}-y{y}",
            key="num_exp_clip",
            table=lambda: {
                "z": clip.z.tolist(),
                "p": clip.p.tolist(),
                "keras_bce_clipped": clip.clipped.tolist(),
                "bce_with_logits": clip.logits.tolist(),
                "d_clipped_dz": clip.clipped_grad_z.tolist(),
                "d_logits_dz": clip.logits_grad_z.tolist(),
            },
        )
        explain(
            f"With ε = {eps:g} the clipped loss can never exceed −log ε = **{clip.cap:.4g}**, and it is flat, with zero "
            f"gradient, in the grey bands z < {clip.z_low:.2f} and z > {clip.z_high:.2f}. This is why the frameworks offer "
            "the loss on logits: `tf.keras.losses.BinaryCrossentropy(from_logits=True)` and PyTorch's "
            "`BCEWithLogitsLoss` compute from z itself, exactly, with gradient σ(z) − y everywhere. "
            "(TensorFlow-backed Keras quietly swaps in the logit when the probabilities come straight from a "
            "sigmoid layer it can trace; `from_logits=True` does not depend on that detection.)"
        )


# The label drives sections 1 and 2: one fragment, so a change reruns these sections, not the
# page around them; the float type, range, formula and axis drive section 1 only, in its own
# (nested) fragment, and ε section 2's.
@fragment
def label_sections() -> None:
    label = widgets.segmented_control("True label y", ["1", "0"], default="1", required=True, key="num_y")
    y = 0 if label == "0" else 1
    breakdown_section(y)

    # --------------------------------------------------------------------------------------------
    st.header("2. Keras' epsilon: what clipping probabilities does to the loss and its gradient")
    explain(
        "A loss that receives probabilities cannot take log(0), so Keras clips them first "
        "(`binary_crossentropy` with `from_logits=False`):"
    )
    st.latex(r"\hat p=\operatorname{clip}(p,\ \varepsilon,\ 1-\varepsilon)")
    st.latex(r"\ell=-\left[y\log\hat p+(1-y)\log(1-\hat p)\right]\ \le\ -\log\varepsilon")
    st.latex(r"\frac{\partial \ell}{\partial p}=0\ \text{ where } p\notin[\varepsilon,1-\varepsilon]")
    clipping_section(y)


label_sections()


@fragment
def predict_clipping() -> None:
    default_point = stab.clipping_at(PREDICT_Z, 1, eps=1e-7)
    predict_then_reveal(
        f"With Keras' default ε = 1e-7, what loss does binary cross-entropy on probabilities report for a sample "
        f"with label 1 whose logit is z = {PREDICT_Z:g}?",
        [f"{default_point.logits:.1f}", f"{default_point.clipped:.1f}", "inf", "0"],
        key="num_predict_clip",
        answer=f"{default_point.clipped:.1f}",
        explanation=(
            f"σ({PREDICT_Z:g}) = {default_point.p:.3g} is clipped up to 1e-7, so the loss is −log(1e-7) = "
            f"{default_point.clipped:.4f} instead of {default_point.logits:.4f}, off by {default_point.error:.4f}, "
            "and the gradient is 0 instead of about −1."
        ),
    )


predict_clipping()

# --------------------------------------------------------------------------------------------
st.header("3. The seed's NumPy snippet, checked")
explain(
    "The thread behind this lesson gives this NumPy implementation of binary cross-entropy. It is shown "
    "here exactly as published, and it is **buggy: do not copy it**."
)
st.code(stab.SEED_SNIPPET, language="python")
st.caption("The seed's version, verbatim (buggy).")

check = seed_check()
explain(
    f"""What is wrong with it, computed on its own inputs X = [[9.7], [0]], Y = [[0], [1]]:

1. **`Y` is not the parameter `y`.** Inside the function, `Y` is the global array defined below it, so the
   function ignores its second argument (it runs only because that global happens to exist), and
   `y = y.reshape((m))` is dead code. Renaming `Y` to `y` alone is no fix: the reshaped `y` has shape (2,),
   `fX` has shape (2, 1), and NumPy broadcasts them into a 2 × 2 matrix of every label against every
   logit. That version returns **{check.renamed_only:.6f}** instead of **{check.exact:.6f}**.
2. **The comment is a different formula.** It says `-Y * log(fX) - (1-Y) * (1-log(fX))`; the code computes
   `-(1-Y) * log(1-fX)`. The comment's formula is not a loss: on these inputs it gives
   **{check.comment_formula:.4f}**, a negative number.
3. **It overflows.** `1 / (1 + np.exp(-X))` then `np.log` breaks exactly as in section 1: exp(−X) is inf for
   X < {limits64.sigmoid_zero:.2f}, and 1 − fX is 0 for X ≥ {limits64.sigmoid_one:.2f}.
4. `a` is computed and never used; `log_loss` and `tensorflow` are imported and never used.

Its printed value, however, is right to {abs(check.as_written - check.exact) / check.exact:.0e} relative
error: {check.as_written:.15f}. The exact mean of softplus(9.7) and log 2 is {check.exact:.15f}; the last
digits are lost in 1 − σ(9.7), a difference of two numbers close to 1."""
)
st.code(stab.CORRECTED_SNIPPET, language="python")
st.caption("Corrected and stable: the same loss written as max(X, 0) − X·y + log(1 + exp(−|X|)).")
table(
    {
        "computed by": [
            "the seed's code (σ, then log)",
            "the corrected snippet",
            "lossviz.bce_with_logits (PyTorch semantics)",
            "scikit-learn log_loss on σ(X) (lossviz.metrics.log_loss)",
            "exact: mean of softplus(9.7) and log 2",
        ],
        "mean BCE on the seed's inputs": [
            f"{check.as_written:.15f}",
            f"{check.corrected:.15f}",
            f"{check.lossviz:.15f}",
            f"{check.log_loss:.15f}",
            f"{check.exact:.15f}",
        ],
    }
)
explain(
    "So the seed's number itself is fine: scikit-learn, which also starts from probabilities, prints the same "
    f"{check.log_loss:.6f}, and PyTorch's `BCEWithLogitsLoss` the same {check.lossviz:.6f} as lossviz (checked in "
    "lossviz's tests). The trouble starts at large logits:"
)
# The replaced logit drives this last table only: changing it reruns this fragment.
@fragment
def seed_logit_section() -> None:
    seed_z = widgets.number_input(
        "Replace the seed's first logit 9.7 by",
        min_value=-1e4,
        max_value=1e4,
        value=-800.0,
        step=10.0,
        key="num_seed_z",
    )
    rows = None
    with explain_errors("This logit"):
        rows = [seed_check([[seed_z], [0.0]], [[first], [1.0]]) for first in (0.0, 1.0)]
    if rows is not None:
        table(
            {
                "first sample's label": ["0 (the seed's)", "1"],
                "the seed's code": [f"{r.as_written:.6g}" for r in rows],
                "corrected snippet": [f"{r.corrected:.6g}" for r in rows],
                "lossviz.bce_with_logits": [f"{r.lossviz:.6g}" for r in rows],
                "scikit-learn log_loss on σ(X)": [f"{r.log_loss:.6g}" for r in rows],
            }
        )
        broken = [r for r in rows if not math.isfinite(r.as_written)]
        if broken:
            explain(
                f"At X = {seed_z:g} the seed's code returns {', '.join(f'{r.as_written:g}' for r in rows)} for the two "
                f"labels, where the loss is {', '.join(f'{r.exact:.6g}' for r in rows)}. scikit-learn stays finite only "
                f"because it clips probabilities to [2.2e-16, 1 − 2.2e-16], so it reports "
                f"{', '.join(f'{r.log_loss:.6g}' for r in rows)}: capped, like Keras' ε."
            )
        else:
            explain(
                f"At X = {seed_z:g} every version agrees (to the digits shown): move X below {limits64.sigmoid_zero:.0f} "
                f"or above {limits64.sigmoid_one:.0f} to break the seed's code."
            )


seed_logit_section()

next_lesson_link(SLUG)
