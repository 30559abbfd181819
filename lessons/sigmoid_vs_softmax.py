"""Lesson: one sigmoid neuron vs two softmax neurons (seed 000).

softmax([z0, z1])₁ = σ(z1 − z0): the (z0, z1) plane, shifting both logits, BCE = two-class CE with
the same gradients, and both heads trained side by side (matched, and with the same learning
rate), answering the thread's comment "I think it is only identical if n is always zero".
"""

import math

import streamlit as st

from lossviz import twoneuron as tn
from lossviz.data import DATASET_KINDS
from lossviz.figures import twoneuron as figs
from lossviz.ui import (
    cached,
    chart,
    diverging_decay_warning,
    explain,
    explain_errors,
    export_buttons,
    fragment,
    lesson_header,
    next_lesson_link,
    predict_then_reveal,
    shared_figures,
    widgets,
)

SLUG = "sigmoid-vs-softmax"
LOGIT_LIMIT = 6.0
PLANE_LIMIT = 12.0
# 61 × 61 probabilities (a step of 0.4 at the default limit), drawn smoothed: 40 % of the data of
# the 97 × 97 grid drawn before, on every change, with the same picture at the chart's size.
PLANE_POINTS = 61
LR_OPTIONS = [0.01, 0.1, 0.5, 1.0, 10.0, 100.0]
EPOCH_OPTIONS = [10, 100, 500, 1000, 2000]
DECAY_OPTIONS = [0.0, 0.001, 0.01, 0.1, 0.3]
DATA_OPTIONS = ["separable", "overlapping"]
MODEL_LABELS = {"logistic regression": "logistic", "MLP (16 tanh units)": "mlp"}
LABEL_OPTIONS = ["y = 1 (positive)", "y = 0 (negative)"]

plane_grid = cached(tn.logit_plane)


# The comparison is kept as one shared, read-only object per setting (no copy per rerun). The
# offset moves only the two softmax heads, so the sigmoid runs are kept apart from it: a change of
# the offset trains two heads, not four.
@st.cache_resource(max_entries=16, show_spinner=False)
def sigmoid_reference(kind: str, model: str, lr: float, epochs: int, decay: float) -> tn.SigmoidRuns:
    return tn.sigmoid_runs(kind, model=model, lr=lr, epochs=epochs, weight_decay=decay)


@st.cache_resource(max_entries=16, show_spinner="Training both heads…")
def compare(kind: str, model: str, lr: float, epochs: int, decay: float, offset: float) -> tn.HeadComparison:
    return tn.compare_heads(
        kind,
        model=model,
        lr=lr,
        epochs=epochs,
        weight_decay=decay,
        offset=offset,
        sigmoid=sigmoid_reference(kind, model, lr, epochs, decay),
    )


@st.cache_resource(show_spinner=False)
def uncertain_share(limit: float) -> float:
    """The share of the plane's square with 0.01 < P < 0.99, on a finer grid than the drawn one.

    401 points per axis give 34.5 % for the default limit; the exact share is
    1 − (1 − ln 99 / 24)² = 34.6 %. Only the number is kept, not the 401 × 401 grid.
    """
    return tn.logit_plane(limit, 401).uncertain_fraction


# Figures are cached as shared, read-only objects (shared_figures): building a Plotly figure costs
# more than sending it, and these depend only on the widget values in their arguments.
@shared_figures(max_entries=64)
def plane_figure(z0: float, z1: float, shift: float | None = None):
    plane = plane_grid(PLANE_LIMIT, PLANE_POINTS)
    if shift is None:
        return figs.logit_plane_figure(
            plane.z0, plane.z1, plane.prob, point=(z0, z1), title="P(class 1) over the (z0, z1) plane"
        )
    return figs.logit_plane_figure(
        plane.z0,
        plane.z1,
        plane.prob,
        point=(z0, z1),
        shifted=tn.head_point(z0, z1, shift=shift).shifted_logits,
        title=f"Both logits + {shift:g}: same contour",
    )


@shared_figures(max_entries=64)
def gradient_figure(z0: float, z1: float, label: int):
    point = tn.head_point(z0, z1, label)
    return figs.head_gradients_figure(
        point.grad_sigmoid, point.grad_softmax, title=f"Gradients at (z0, z1) = ({z0:.3g}, {z1:.3g}), y = {label}"
    )


@shared_figures(max_entries=32)
def training_figures(kind: str, model: str, lr: float, epochs: int, decay: float, offset: float):
    result = compare(kind, model, lr, epochs, decay, offset)
    plane = plane_grid(tn.plane_limit(result.final_raw_logits, minimum=PLANE_LIMIT), PLANE_POINTS)
    gaps = {
        f"matched (head lr {result.matched_head_lr:g}, decay {result.matched_head_weight_decay:g})": result.matched_gap,
        f"same learning rate {lr:g}": result.same_lr_gap,
    }
    return {
        "gap": figs.gap_figure(result.epochs, gaps, title="Gap between the heads' predictions"),
        "samples": figs.logit_plane_figure(
            plane.z0,
            plane.z1,
            plane.prob,
            samples=result.final_raw_logits,
            sample_labels=result.y,
            title=f"Each sample's (z0, z1) at epoch {epochs}",
        ),
    }


def _sci(value: float) -> str:
    """A tiny number as 4.4e-16, and an exact zero as 0."""
    return "0" if value == 0 else f"{value:.2g}"


lesson_header(
    SLUG,
    "For two classes, is one sigmoid output trained with binary cross-entropy the same model as two "
    "softmax outputs trained with categorical cross-entropy? And does the second neuron change how "
    'training behaves (seed 000: "I think it is only identical if n is always zero")?',
)

# --------------------------------------------------------------------------------------------
st.header("1. Two logits, one number that matters")
explain(
    "Neuron 0 scores the negative class (the thread's *n*), neuron 1 the positive class (its *p*). The "
    "softmax turns the two logits into two probabilities; a single sigmoid neuron needs only their "
    "difference:"
)
st.latex(
    r"\begin{aligned} \operatorname{softmax}(z_0, z_1)_1 &= \frac{e^{z_1}}{e^{z_0} + e^{z_1}} \\"
    r" &= \frac{1}{1 + e^{-(z_1 - z_0)}} = \sigma(z_1 - z_0) \end{aligned}"
)
# The logit sliders drive sections 1 and 2 and nothing else: moving one reruns this fragment only.
@fragment
def logit_sections() -> None:
    left, right = st.columns([1, 2])
    with left:
        z0 = widgets.slider("z0, negative-class logit", -LOGIT_LIMIT, LOGIT_LIMIT, 0.5, step=0.1, key="svs_z0")
        z1 = widgets.slider("z1, positive-class logit", -LOGIT_LIMIT, LOGIT_LIMIT, 2.0, step=0.1, key="svs_z1")
        label_choice = widgets.segmented_control(
            "True class (for the loss in section 2)",
            LABEL_OPTIONS,
            default=LABEL_OPTIONS[0],
            required=True,
            key="svs_y",
        )
    label = 0 if label_choice == LABEL_OPTIONS[1] else 1

    point = None
    with explain_errors("These logits"):
        point = tn.head_point(z0, z1, label, shift=5.0)
    uncertain = uncertain_share(PLANE_LIMIT)

    if point is not None:
        with left:
            a, b = st.columns(2)
            a.metric("softmax([z0, z1])₁", f"{point.softmax[1]:.6g}")
            b.metric("σ(z1 − z0)", f"{point.sigmoid:.6g}")
            st.caption(
                f"softmax([z0, z1]) = ({point.softmax[0]:.6g}, {point.softmax[1]:.6g}); "
                f"z1 − z0 = {point.logit_difference:.3g}. The two probabilities of the positive class differ by "
                f"**{_sci(point.difference)}** in float64"
                + (
                    " (exactly equal)."
                    if point.difference == 0
                    else " (float64 rounding: the spacing of doubles near 1 is 2.2e-16)."
                )
            )
        with right:
            fig_plane = plane_figure(z0, z1)
            chart(fig_plane, key="svs_fig_plane")
        export_buttons(fig_plane, name="softmax-logit-plane", key="svs_exp_plane")
        explain(
            f"Your point (z0, z1) = ({z0:.3g}, {z1:.3g}) sits on the contour P = {point.softmax[1]:.3g}. Every "
            "contour line runs parallel to the dashed diagonal z1 = z0 (where P = 0.5): along a line "
            "z1 − z0 = constant nothing changes. The coloured band hugs the diagonal: only "
            f"{uncertain:.0%} of this square has P between 0.01 and 0.99; everywhere else the "
            "softmax is already pinned near 0 or 1."
        )

        def reveal_shift() -> None:
            shift = widgets.slider("c, added to both logits", -LOGIT_LIMIT, LOGIT_LIMIT, 5.0, step=0.5, key="svs_shift")
            shifted = tn.head_point(z0, z1, label, shift=shift)
            s_z0, s_z1 = shifted.shifted_logits
            cols = st.columns(3)
            cols[0].metric("P(class 1) before", f"{shifted.softmax[1]:.6g}")
            cols[1].metric(f"after adding c = {shift:g}", f"{shifted.shifted_softmax[1]:.6g}")
            cols[2].metric("largest change", _sci(shifted.shift_change))
            fig_shift = plane_figure(z0, z1, shift)
            chart(fig_shift, key="svs_fig_shift")
            export_buttons(fig_shift, name="softmax-shift-both-logits", key="svs_exp_shift")
            explain(
                f"(z0, z1) = ({z0:.3g}, {z1:.3g}) → ({s_z0:.3g}, {s_z1:.3g}): the difference stays "
                f"{shifted.logit_difference:.3g}, the probabilities change by at most {_sci(shifted.shift_change)}. Softmax "
                "divides e^(z1 + c) by e^(z0 + c) + e^(z1 + c); the factor e^c cancels. The diagonal direction "
                "(1, 1) is invisible to the softmax, and so to every loss computed from it."
            )

        predict_then_reveal(
            f"Your logits are (z0, z1) = ({z0:.3g}, {z1:.3g}), so P(class 1) = {point.softmax[1]:.4g}. "
            "Add 5 to both logits. What happens to P(class 1)?",
            ["It goes up", "It goes down", "It stays exactly the same", "It depends on the logits"],
            key="svs_predict_shift",
            answer="It stays exactly the same",
            explanation=(
                f"softmax([z0 + 5, z1 + 5])₁ = {point.shifted_softmax[1]:.6g} and softmax([z0, z1])₁ = "
                f"{point.softmax[1]:.6g}: they differ by {_sci(point.shift_change)}. Only z1 − z0 matters."
            ),
            reveal=reveal_shift,
        )

    # --------------------------------------------------------------------------------------------
    st.header("2. The same loss, the same gradient")
    explain(
        "With d = z1 − z0, binary cross-entropy on the single logit d and two-class cross-entropy on the "
        "logits (z0, z1) are one formula, and so are their gradients:"
    )
    st.latex(
        r"\begin{aligned} \mathrm{BCE}(d, y) &= -y \log \sigma(d) - (1-y)\log \sigma(-d) \\"
        r" &= -\log \operatorname{softmax}(z_0, z_1)_y \\ &= \mathrm{CE}([z_0, z_1], y) \end{aligned}"
    )
    st.latex(
        r"\begin{aligned} \frac{\partial\,\mathrm{CE}}{\partial z_1} &= \sigma(d) - y"
        r" = \frac{\partial\,\mathrm{BCE}}{\partial d} \\"
        r" \frac{\partial\,\mathrm{CE}}{\partial z_0} &= -(\sigma(d) - y) \end{aligned}"
    )
    if point is not None:
        cols = st.columns(3)
        cols[0].metric("BCE(z1 − z0, y)", f"{point.bce:.6g}")
        cols[1].metric("CE([z0, z1], y)", f"{point.ce:.6g}")
        cols[2].metric("difference", _sci(point.bce - point.ce))
        fig_grad = gradient_figure(z0, z1, label)
        chart(fig_grad, key="svs_fig_grad", alt=f"BCE {point.bce:.6g} and CE {point.ce:.6g} at (z0, z1) = ({z0:g}, {z1:g}), y = {label}.")
        export_buttons(fig_grad, name="sigmoid-vs-softmax-gradients", key="svs_exp_grad")
        direction = "up" if point.grad_softmax[1] < 0 else "down"
        explain(
            f"For y = {label}: `bce_with_logits` gives {point.bce:.6g} and `cross_entropy` gives {point.ce:.6g} "
            f"(difference {_sci(point.bce - point.ce)}). The sigmoid head's gradient is σ(d) − y = "
            f"{point.grad_sigmoid:+.6g}; the positive neuron's is {point.grad_softmax[1]:+.6g} (difference "
            f"{_sci(point.grad_gap)}), the negative neuron's {point.grad_softmax[0]:+.6g}. The two softmax "
            f"gradients sum to {_sci(point.grad_sum)}: a gradient step pushes z1 {direction} and z0 the "
            "other way by the same amount, so it never moves the point along the diagonal. That is the "
            "direction the loss cannot see, and it is the only thing the second neuron adds."
        )


logit_sections()


# --------------------------------------------------------------------------------------------
st.header("3. Train both heads on the same data")
explain(
    "A sigmoid head with weights w (one output) and a softmax head with weights (w0, w1) (two outputs) are "
    "trained by full-batch gradient descent on the same toy set. The softmax head starts from the "
    "sigmoid's weights split as (−w/2, w/2), plus an offset c added to every weight of **both** neurons, "
    "so that the negative neuron's logit z0 is far from zero while w1 − w0 = w."
)
# The training settings drive section 3 only.
@fragment
def training_section() -> None:
    c1, c2, c3 = st.columns(3)
    with c1:
        kind = widgets.segmented_control("Data set", DATA_OPTIONS, default="separable", required=True, key="svs_data")
        model_label = widgets.segmented_control(
            "Model", list(MODEL_LABELS), default="logistic regression", required=True, key="svs_model"
        )
    with c2:
        lr = widgets.select_slider("Learning rate η", LR_OPTIONS, value=0.5, key="svs_lr")
        epochs = widgets.select_slider("Epochs", EPOCH_OPTIONS, value=500, key="svs_epochs")
    with c3:
        decay = widgets.select_slider("Weight decay λ", DECAY_OPTIONS, value=0.0, key="svs_decay")
        offset = widgets.slider(
            "Offset c in both neurons' weights (the redundant direction)",
            -3.0,
            3.0,
            1.0,
            step=0.5,
            key="svs_offset",
        )
    kind = kind if kind in DATASET_KINDS else "separable"
    model = MODEL_LABELS.get(model_label, "logistic")

    result = None
    if not diverging_decay_warning(float(lr), float(decay)):
        with explain_errors("These training settings"):
            result = compare(kind, model, float(lr), int(epochs), float(decay), float(offset))

    if result is not None:
        matched_max = result.matched_max
        same_max = result.same_lr_max
        same_at = result.same_lr_max_epoch
        z0_low, z0_high = result.negative_logit_range
        sig_params, soft_params = result.head_parameters
        st.latex(
            r"\begin{aligned} &\text{matched: } \eta_{\text{head}} = \eta/2,\ \lambda_{\text{head}} = 2\lambda \\"
            r" &w_1 - w_0 \leftarrow (w_1 - w_0) - \tfrac{\eta}{2}\left(2 h^\top g + 2\lambda (w_1 - w_0)\right) \\"
            r" &\phantom{w_1 - w_0} = w - \eta\,(h^\top g + \lambda w) \end{aligned}"
        )

        figures = training_figures(kind, model, float(lr), int(epochs), float(decay), float(offset))

        def reveal_gap() -> None:
            fig_gap = figures["gap"]
            chart(fig_gap, key="svs_fig_gap")
            export_buttons(fig_gap, name="sigmoid-vs-softmax-training-gap", key="svs_exp_gap")

        predict_then_reveal(
            "Both heads start as the same function and see the same data. The two-neuron head is trained "
            f"with the same learning rate η = {lr:g}. Will its predictions match the single neuron's?",
            [
                "Yes, at every epoch",
                "No: its logit difference moves twice as fast",
                "No: its logit difference moves half as fast",
            ],
            key="svs_predict_lr",
            answer="No: its logit difference moves twice as fast",
            explanation=(
                "w1 and w0 each take a step of size η along ±hᵀg, so their difference w1 − w0, the only "
                f"thing the predictions see, moves by 2η·hᵀg. With the same η the gap reached {same_max:.3g} "
                f"(epoch {same_at}); with the head's η halved (and λ doubled) "
                + (
                    f"it stayed below {_sci(matched_max)}."
                    if result.matched_identical
                    else "the runs are identical in exact arithmetic (in float64 they drift apart at this η: see below)."
                )
            ),
            reveal=reveal_gap,
        )

        double_text = ""
        if result.double_lr_max is not None:
            double_text = (
                " For logistic regression that run is exactly a sigmoid head trained with twice the learning "
                f"rate and half the weight decay: the two differ by at most {_sci(result.double_lr_max)}"
                + ("." if result.double_lr_max <= 1e-12 else " in float64, for the same chaotic reason.")
            )
        same_extreme = (
            f" Trained with the same η, the two-neuron head takes twice the step on z1 − z0: at "
            f"the last epoch {result.same_lr_extreme:.0%} of its probabilities are below 0.01 or above 0.99 "
            f"(the single neuron: {result.sigmoid_extreme:.0%}), max |z1 − z0| = {result.same_lr_max_logit:.3g} "
            f"(single neuron: max |z| = {result.sigmoid_max_logit:.3g})."
        )
        if result.matched_identical:
            matched_text = (
                f"**Matched, the two heads are one model.** Over {epochs} epochs on the {kind} set, the largest gap "
                f"between P_sigmoid and P_softmax over all {result.y.size} samples and all recorded epochs is "
                f"**{_sci(matched_max)}**, the size of float64 rounding."
            )
        else:
            matched_text = (
                f"**Matched, the two heads are one model in exact arithmetic, but not in float64 at η = {lr:g}.** "
                f"With steps this large gradient descent is chaotic: the two runs round differently at the 1e-16 "
                f"level (two columns with half the step against one), and every epoch amplifies those differences, "
                f"past 1e-12 at epoch "
                f"{result.matched_divergence_epoch}, until the predictions differ by **{matched_max:.3g}**. Lower η "
                "and the gap stays at 1e-16."
            )
        explain(
            f"{matched_text} **With the same learning rate it is not the same run:** the gap reaches {same_max:.3g} "
            f"at epoch {same_at}.{double_text}{same_extreme}"
        )

        m1, m2, m3 = st.columns(3)
        m1.metric("Output-layer parameters", f"{sig_params} vs {soft_params}", help="sigmoid head vs softmax head")
        m2.metric("‖w0 + w1‖: start → end (matched)", f"{result.redundant_start:.4g} → {result.redundant_end_matched:.4g}")
        m3.metric("Loss gradient along w0 + w1", _sci(result.redundant_grad))
        if decay == 0:
            decay_text = (
                (
                    f"With no weight decay it stays at zero up to rounding ({result.redundant_end_matched:.2g}; it "
                    "started at 0): nothing moves it."
                )
                if max(result.redundant_start, result.redundant_end_matched) < 1e-12
                else (
                    f"With no weight decay it stays at {result.redundant_end_matched:.6g} (it started at "
                    f"{result.redundant_start:.6g}): nothing moves it."
                )
            )
        elif math.isfinite(result.redundant_expected_end):
            decay_text = (
                f"Weight decay alone shrinks it: {result.redundant_start:.4g} × (1 − η·λ)^{epochs} = "
                f"{result.redundant_expected_end:.4g}, and the runs end at {result.redundant_end_matched:.4g} "
                f"(matched) and {result.redundant_end_same_lr:.4g} (same η)"
                + (
                    ": zero up to rounding, since each step adds about 1e-17 of rounding noise to a sum the loss "
                    "cannot see."
                    if max(result.redundant_end_matched, result.redundant_end_same_lr, result.redundant_expected_end)
                    < 1e-12
                    else "."
                )
            )
        else:
            decay_text = "Weight decay with η·λ > 2 makes it grow without bound."
        explain(
            f"**The second neuron adds one redundant direction.** The softmax head has {soft_params} output-layer "
            f"parameters where the sigmoid head has {sig_params}. Of the {soft_params}, only w1 − w0 and b1 − b0 "
            f"reach the predictions; the sum w0 + w1 gets a loss gradient of {_sci(result.redundant_grad)} "
            f"(at the final weights; zero up to rounding, because ∂L/∂z0 = −∂L/∂z1 for every sample). "
            f"{decay_text}"
        )
        left_col, right_col = st.columns([3, 2])
        with left_col:
            fig_samples = figures["samples"]
            chart(fig_samples, key="svs_fig_samples")
        with right_col:
            explain(
                f'**Seed 000: "I think it is only identical if n is always zero."** Not so. In this run the '
                f"negative neuron's logit n = z0 ends between {z0_low:.3g} and {z0_high:.3g} across the "
                "samples, never pinned at zero, yet "
                + (
                    f"the predictions agree with the single neuron to {_sci(matched_max)}. "
                    if result.matched_identical
                    else "in exact arithmetic the predictions agree with the single neuron (at this chaotic η, float64 "
                    "rounding drifts them apart; lower η to see agreement to 1e-16). "
                )
                + "What must match is the *difference* z1 − z0, and the training dynamics: "
                "the softmax head with the same learning rate moves that difference twice as fast. The answer's "
                "construction (one neuron multiplied by zero) is one matching solution among infinitely many: "
                "add any c to both logits and nothing changes."
            )
            st.caption(
                "Left: each sample's (z0, z1) after training. The loss only sees how far a point is from the "
                "diagonal; the offset c slides the whole cloud along it."
            )
        export_buttons(fig_samples, name="two-neuron-head-samples", key="svs_exp_samples")


training_section()


explain(
    "Next: with either head, BCE keeps pushing the logits outward on separable data. The next lesson animates it."
)
next_lesson_link(SLUG)
