"""Lesson: why BCE pushes logits to extremes (seed 000), the animated one.

A toy training run, animated in the browser: the decision surface, the histogram of logits and the
histogram of probabilities, epoch by epoch; beside it the loss, the weight norm and the largest
|logit|, and a reliability diagram. Separable vs overlapping data, BCE vs squared error vs focal vs
label smoothing, weight decay; and the seed's question whether two softmax neurons would spread
the scores.
"""

import math

import streamlit as st

from lossviz import twoneuron as tn
from lossviz.data import DATASET_KINDS
from lossviz.figures import training as figs
from lossviz.lessons import available_lessons, lesson_by_slug
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
    table,
    table_to_csv,
    widgets,
)

SLUG = "logits-to-extremes"
DATA_OPTIONS = ["separable", "overlapping", "noisy", "imbalanced"]
MODEL_LABELS = {"logistic regression": "logistic", "MLP (16 tanh units)": "mlp"}
LOSS_LABELS = {
    "BCE": "bce",
    "MSE through σ": "mse",
    "focal (α = 0.25, γ = 2)": "focal",
    "label-smoothed BCE": "bce",
}
SMOOTHED = "label-smoothed BCE"
EPOCH_OPTIONS = [10, 100, 200, 500, 1000, 2000]
LR_OPTIONS = [0.01, 0.1, 0.5, 1.0, 10.0, 100.0]
DECAY_OPTIONS = [0.0, 0.001, 0.01, 0.1, 0.3]
FRAMES = 50
GRID = 40

references = cached(tn.reference_runs)


@shared_figures(max_entries=16, spinner="Training (the first run of a setting takes seconds)…")
def run_figures(kind, model, loss, lr, epochs, decay, smoothing, loss_label):
    """One run, its summary and its three figures, computed once per configuration and shared read-only.

    Building a Plotly figure (above all one with ~50 frames) costs far more than sending it, so the
    finished objects are kept: shared_figures hands back the same (frozen) objects and nothing
    downstream mutates them (st.plotly_chart and the HTML export only read them).
    """
    run = tn.training_run(
        kind,
        model=model,
        loss=loss,
        lr=lr,
        epochs=epochs,
        weight_decay=decay,
        label_smoothing=smoothing,
        frames=FRAMES,
        grid_size=GRID,
    )
    t = run.trajectory
    summary = tn.summarize_run(t, run.y)
    bins = summary.bins
    bound = tn.label_smoothing_bound(smoothing)
    contours = tn.surface_contours(t.grid_x, t.grid_y, t.surface, levels=(0.5, 0.1, 0.9))
    return {
        "run": run,
        "summary": summary,
        "animation": figs.training_animation_figure(
            run.X,
            run.y,
            t.epochs,
            t.logits,
            t.probs,
            [lines[0] for lines in contours],
            band=[lines[1:] for lines in contours],
            x_range=(t.grid_x[0], t.grid_x[-1]),
            y_range=(t.grid_y[0], t.grid_y[-1]),
            weight_norm=t.weight_norm,
            bound=bound,
            title="Training run (press ▶ Play)",
        ),
        "curves": figs.training_curves_figure(
            t.epochs,
            t.loss,
            t.weight_norm,
            tn.max_abs_logit(t),
            loss_label=f"{loss_label} loss",
            bound=bound,
            title="Loss, ‖W‖ and max |z| per epoch",
        ),
        "reliability": figs.reliability_figure(
            bins.edges,
            bins.counts,
            bins.mean_confidence,
            bins.observed_frequency,
            ece=summary.ece,
            title=f"Calibration at epoch {summary.last_epoch}",
        ),
    }


@st.cache_resource(max_entries=16, show_spinner="Training the two-neuron head…")
def twin_heads(kind, model, lr, epochs, decay, smoothing, loss_label):
    """Section 3's two-neuron heads beside the BCE run of section 1, shared read-only.

    The sigmoid head is section 1's own run (recorded at the same epochs), so only the two
    softmax heads are trained here.
    """
    run = run_figures(kind, model, "bce", lr, epochs, decay, smoothing, loss_label)["run"]
    return tn.compare_heads(
        kind,
        model=model,
        lr=lr,
        epochs=epochs,
        weight_decay=decay,
        label_smoothing=smoothing,
        max_records=FRAMES,
        double_lr=False,
        sigmoid=tn.SigmoidRuns(run.trajectory, None),
    )


def _pct(value: float) -> str:
    return f"{value:.0%}" if value in (0.0, 1.0) or 0.01 <= value <= 0.99 else f"{value:.1%}"


def _growth(summary) -> str:
    if math.isinf(summary.late_growth):
        return "grew from 0"
    return f"{summary.late_growth:+.2%}"


lesson_header(
    SLUG,
    'Seed 000: "this neuron almost only has extreme outputs": trained with binary cross-entropy, the '
    "logits end up hugely positive or negative and the probabilities at 0 and 1. Is that the nature of "
    "BCE? Would two softmax neurons with cross-entropy spread the scores over the range?",
)

# --------------------------------------------------------------------------------------------
st.header("1. Watch a training run")
# The reference runs (section 2's table, section 4's figures) are fixed: one cached computation.
refs = references(epochs=2000)
sep, over, mse_row, ls_row, wd_row, focal_row = refs
e_tenth, e_half, e_full = sep.epochs
z_star_ref = tn.label_smoothing_bound(ls_row.label_smoothing)


# The training settings drive sections 1 to 3 (the run, the proof's numbers, the two-neuron twin);
# a change reruns those, not the page around them.
@fragment
def training_sections() -> None:
    top_left, top_right = st.columns([3, 2])
    with top_left:
        kind = widgets.segmented_control(
        "Data set", DATA_OPTIONS, default="separable", required=True, wrap=True, key="ext_data"
    )
    with top_right:
        model_label = widgets.segmented_control(
            "Model", list(MODEL_LABELS), default="logistic regression", required=True, key="ext_model"
        )
    c1, c2, c3 = st.columns(3)
    with c1:
        loss_label = widgets.selectbox("Loss", list(LOSS_LABELS), index=0, key="ext_loss")
        # Shown only with label-smoothed BCE: the other losses are trained without smoothing.
        smoothing_input = (
            widgets.slider("Label smoothing ls", 0.0, 0.5, 0.1, step=0.01, key="ext_ls") if loss_label == SMOOTHED else 0.0
        )
    with c2:
        epochs = widgets.select_slider("Epochs", EPOCH_OPTIONS, value=1000, key="ext_epochs")
        lr = widgets.select_slider("Learning rate η", LR_OPTIONS, value=0.5, key="ext_lr")
    with c3:
        decay = widgets.select_slider("Weight decay λ", DECAY_OPTIONS, value=0.0, key="ext_decay")

    kind = kind if kind in DATASET_KINDS else "separable"
    model = MODEL_LABELS.get(model_label, "logistic")
    loss = LOSS_LABELS.get(loss_label, "bce")
    smoothing = float(smoothing_input) if loss_label == SMOOTHED else 0.0
    lr, decay, epochs = float(lr), float(decay), int(epochs)
    settings = (kind, model, loss, lr, epochs, decay, smoothing)

    run = summary = figures = None
    if not diverging_decay_warning(lr, decay):
        with explain_errors("These training settings"):
            # The run and its summary come with the figures: one shared cache entry, not a second
            # (copied) lookup of the run and a second summary on every rerun.
            figures = run_figures(*settings, loss_label)
            run, summary = figures["run"], figures["summary"]

    if run is not None and summary is not None and figures is not None:
        t = run.trajectory
        fig_anim = figures["animation"]
        st.caption(
            "Press ▶ Play (it runs in your browser) or drag the epoch slider. Left: the data, the decision boundary "
            "P = 0.5 (solid grey) and the contours P = 0.1 and 0.9 (dashed): the band between them narrows as the "
            "weights grow. Right: how many samples have each logit (top) and each probability (bottom), stacked by "
            "class. Bins and axes stay fixed, so you see the histograms move."
        )
        chart(fig_anim, key="ext_fig_anim", alt=f"Training with {loss_label} over {epochs} epochs, {len(fig_anim.frames)} frames.")
        export_buttons(fig_anim, name=f"bce-logits-animation-{kind}-{loss}", key="ext_exp_anim")

        bound = tn.label_smoothing_bound(smoothing)
        bins = summary.bins
        chart(figures["curves"], key="ext_fig_curves")
        export_buttons(figures["curves"], name="loss-weight-norm-logits", key="ext_exp_curves")
        col_rel, col_text = st.columns([2, 3])
        with col_rel:
            chart(figures["reliability"], key="ext_fig_rel")

        # ----------------------------------------------------------------------------------------
        s = summary
        col_text.subheader("What this run shows")
        fits_all = s.errors_end == 0
        lines = [
            (
                f"- **Weight norm** ‖W‖ went from {s.weight_norm_start:.3g} to **{s.weight_norm_end:.3g}**; over the "
                f"last quarter of training (epochs {s.late_epoch} to {s.last_epoch}) it changed by **{_growth(s)}**: "
                + (
                    "it is **still growing**."
                    if s.still_growing
                    else ("it has **levelled off**." if s.settled else "it is **still changing**.")
                )
            ),
            (
                f"- **Logits**: max |z| went from {s.max_logit_start:.3g} to **{s.max_logit_end:.3g}** "
                f"(median |z| {s.median_logit_end:.3g})."
            ),
            (
                f"- **Probabilities**: {_pct(s.extreme_end)} of the {run.y.size} samples end below 0.01 or above "
                f"0.99 (at epoch 0: {_pct(s.extreme_start)})."
            ),
            (
                f"- **Training accuracy** {s.accuracy_end:.1%} ({s.errors_end} misclassified); loss "
                f"{s.loss_start:.3g} → {s.loss_end:.3g}; expected calibration error {s.ece:.3g}."
            ),
        ]
        col_text.markdown("\n".join(lines))
        regularised = smoothing > 0 or decay > 0
        if regularised and s.still_growing:
            verdict = (
                f"Label smoothing bounds each sample's optimal logit at ±z* = {bound:.3g}, not the weights: here "
                f"max |z| is {s.max_logit_end:.3g} (median {s.median_logit_end:.3g}) while ‖W‖ still changed by "
                f"{_growth(s)} over the last quarter."
                if smoothing > 0
                else f"Weight decay (λ = {decay:g}) charges λ/2·‖W‖², yet ‖W‖ still changed by {_growth(s)} over the "
                "last quarter: this run has not settled yet (more epochs show where it stops)."
            )
        elif fits_all and s.still_growing:
            verdict = (
                "The model classifies every training sample correctly, so scaling all its weights up by any factor "
                "keeps every prediction right and makes every per-sample loss smaller: the loss has no minimum at "
                "finite weights, and gradient descent walks towards infinity, slowly (roughly like the logarithm "
                'of the epoch). That is the seed\'s "almost only extreme outputs".'
            )
        elif s.still_growing or not s.settled:
            verdict = (
                f"{s.errors_end} training samples are misclassified and ‖W‖ changed by {_growth(s)} over the last "
                "quarter: the run has not settled yet. More epochs, or a smaller η if the steps overshoot, show "
                "where it goes."
            )
        elif s.max_gradient_end < 1e-12:
            verdict = (
                f"Training has stalled in floating point, not converged: the largest per-sample gradient "
                f"|∂ℓ/∂z| is {s.max_gradient_end:.2g}, because σ(z) has rounded to exactly 0 or 1 for the samples "
                f"(max |z| = {s.max_logit_end:.3g}). With η = {lr:g} the first steps threw the logits that far; a "
                "smaller η keeps them growing slowly instead."
            )
        elif fits_all and (smoothing > 0 or decay > 0):
            verdict = (
                "Every training sample is classified correctly, yet the weights have stopped: the objective holds "
                "them at a finite size"
                + (f" (label smoothing: each sample's optimal logit is ±{bound:.3g})" if smoothing > 0 else "")
                + (f" (weight decay λ = {decay:g} charges λ/2·‖W‖²)" if decay > 0 else "")
                + "."
            )
        elif fits_all:
            verdict = (
                f"Every training sample is classified correctly and ‖W‖ changed by only {_growth(s)} over the last "
                f"quarter: the largest per-sample gradient is {s.max_gradient_end:.2g}, too small to move the "
                "weights visibly. The loss still has no minimum; the steps have just become tiny."
            )
        else:
            verdict = (
                f"{s.errors_end} training samples are misclassified. Scaling the weights up would make those "
                "mistakes more confident and more expensive (their loss grows linearly in |z|), so the loss has a "
                "finite minimum and the weights settle there."
            )
        col_text.markdown(verdict)
        export_buttons(
            figures["reliability"],
            name="reliability-diagram",
            key="ext_exp_rel",
            table=lambda: {
                "bin_low": bins.edges[:-1].tolist(),
                "bin_high": bins.edges[1:].tolist(),
                "count": bins.counts.tolist(),
                "mean_predicted": bins.mean_confidence.tolist(),
                "observed_frequency": bins.observed_frequency.tolist(),
            },
        )
        if smoothing > 0:
            within = tn.fraction_within(t.logits[-1], bound)
            high, low = tn.smoothed_targets(smoothing)
            explain(
                f"**Label smoothing ls = {smoothing:g}** replaces the targets 1 and 0 by 1 − ls/2 = {high:g} "
                f"and ls/2 = {low:g}. One sample's loss is then smallest at a finite logit, z* = **{bound:.4g}** "
                "(dashed lines in the logit histogram and in the |logit| plot); going further costs loss:"
            )
            st.latex(
                r"z^{*} = \log\frac{1 - \mathrm{ls}/2}{\mathrm{ls}/2} = "
                + f"\\log\\frac{{{high:g}}}{{{low:g}}} = {bound:.4g}"
            )
            explain(
                f"In this run the median |z| is {s.median_logit_end:.3g} and {_pct(within)} of the samples have "
                f"|z| ≤ z*; the largest is {s.max_logit_end:.3g}"
                + (
                    " (a straight boundary cannot put every sample at exactly ±z*, so the far ones overshoot)"
                    if model == "logistic" and s.max_logit_end > bound
                    else ""
                )
                + f". Over the last quarter of training ‖W‖ changed by {_growth(s)}."
            )

    # --------------------------------------------------------------------------------------------
    st.header("2. Why BCE has no minimum on separable data")
    explain(
        "Write the label as ±1 (s = 2y − 1) and m = s·z for the margin of one sample. BCE on that sample is "
        "log(1 + e^(−m)): always positive, smaller for every larger margin, never zero. Its gradient σ(z) − y is "
        "never zero either, in exact arithmetic (in float64, σ(z) rounds to exactly 1 once z > log 2⁵³ ≈ 36.74, and "
        "a positive sample's gradient vanishes there: that is how a huge η stalls)."
    )
    st.latex(
        r"\begin{aligned} \ell(z, y) &= \log\left(1 + e^{-s z}\right) \\"
        r" \frac{\partial \ell}{\partial z} &= \sigma(z) - y \neq 0 \\"
        r" \ell(c\,z) &< \ell(z) \quad \text{for } c > 1 \text{ when } s z > 0 \end{aligned}"
    )
    explain(
        "If the weights classify every sample correctly (every m > 0), multiplying them by c > 1 multiplies every "
        "margin by c and lowers every sample's loss: the infimum 0 is approached as ‖W‖ → ∞ and never reached. "
        "With a single misclassified sample (m < 0), its loss grows like −m = c·|m| as the weights scale up, so the "
        "growth stops at a finite optimum. Squared error through the sigmoid has the same infimum at infinity, "
        "but its gradient 2(p − y)·p(1 − p) fades much faster once p is near y, so it gets there more slowly."
    )



    def reveal_longer() -> None:
        ratio = sep.growth_ratio
        explain(
            f"Logistic regression, BCE, separable data, η = 0.5: ‖W‖ = {sep.weight_norm[0]:.3g} at epoch {e_tenth}, "
            f"{sep.weight_norm[1]:.3g} at epoch {e_half}, {sep.weight_norm[2]:.3g} at epoch {e_full}. Ten times the "
            f"epochs gave {ratio:.2f}× the norm, and it is still rising; max |z| went {sep.max_logit[0]:.3g} → "
            f"{sep.max_logit[2]:.3g}. Each doubling of the epochs adds roughly the same amount: logarithmic growth "
            "without end."
        )


    predict_then_reveal(
        f"On perfectly separable data (logistic regression, BCE), train for {e_full} epochs instead of {e_tenth}. "
        "What happens to the weight norm?",
        [
            "It stays the same: training converged",
            "It grows about 10×",
            "It keeps growing, but slowly (well under 2×)",
            "It shrinks back",
        ],
        key="ext_predict_longer",
        answer="It keeps growing, but slowly (well under 2×)",
        explanation="The loss keeps falling as the weights grow, so gradient descent never stops; the gradient "
        "shrinks like e^(−margin), so the growth is logarithmic.",
        reveal=reveal_longer,
    )

    st.subheader("Six set-ups side by side")
    explain(
        f"The same logistic regression (η = 0.5, {e_full} epochs, 200 samples), trained six ways. The weight norm "
        f"at epochs {e_tenth}, {e_half} and {e_full}:"
    )
    set_ups = {
        "set-up": [r.label for r in refs],
        f"‖W‖ @ {e_tenth}": [f"{r.weight_norm[0]:.4g}" for r in refs],
        f"‖W‖ @ {e_half}": [f"{r.weight_norm[1]:.4g}" for r in refs],
        f"‖W‖ @ {e_full}": [f"{r.weight_norm[2]:.4g}" for r in refs],
        f"max |z| @ {e_full}": [f"{r.max_logit[2]:.4g}" for r in refs],
        "P < 0.01 or > 0.99": [_pct(r.extreme) for r in refs],
    }
    table(set_ups)
    st.download_button(
        "Table as CSV",
        data=lambda: table_to_csv(set_ups),
        file_name="lossviz-bce-six-setups.csv",
        mime="text/csv",
        key="ext_table_csv",
        on_click="ignore",
        icon=":material/table:",
    )
    explain(
        "\n".join(
            [
                (
                    f"- **Separable, BCE**: {sep.weight_norm[0]:.2f} → {sep.weight_norm[1]:.2f} → "
                    f"{sep.weight_norm[2]:.2f}, still growing; {_pct(sep.extreme)} of the probabilities are past "
                    "0.01/0.99."
                ),
                (
                    f"- **Overlapping, BCE**: {over.weight_norm[1]:.4f} at epoch {e_half} and "
                    f"{over.weight_norm[2]:.4f} at {e_full}: it stopped. The samples on the wrong side give the loss "
                    "a finite minimum."
                ),
                (
                    f"- **Squared error through σ** grows too, more slowly: {mse_row.weight_norm[2]:.2f} against "
                    f"BCE's {sep.weight_norm[2]:.2f} at epoch {e_full} (max |z| {mse_row.max_logit[2]:.3g} vs "
                    f'{sep.max_logit[2]:.3g}). The seed\'s "very similar result with MSE" is this: the same drift '
                    "to the extremes, at a slower pace."
                ),
                (
                    f"- **Label smoothing {ls_row.label_smoothing:g}** stops at ‖W‖ = {ls_row.weight_norm[2]:.4f} "
                    f"(z* = {z_star_ref:.3g}; the largest |z| is {ls_row.max_logit[2]:.3g} because a straight "
                    "boundary cannot put every sample at ±z*)."
                ),
                (
                    f"- **Weight decay {wd_row.weight_decay:g}** stops at ‖W‖ = {wd_row.weight_norm[2]:.4f}, max |z| "
                    f"{wd_row.max_logit[2]:.3g}."
                ),
                (
                    f"- **Focal loss** (α = 0.25, γ = 2) slows the drift but does not stop it: ‖W‖ "
                    f"{focal_row.weight_norm[1]:.2f} → {focal_row.weight_norm[2]:.2f} from epoch {e_half} to "
                    f"{e_full}, against BCE's {sep.weight_norm[1]:.2f} → {sep.weight_norm[2]:.2f}."
                ),
            ]
        )
    )

    # --------------------------------------------------------------------------------------------
    st.header("3. Would two softmax neurons spread the scores?")
    explain(
        "The seed asks whether cross-entropy on two softmax outputs, one per class, would give scores spread over "
        "the range. The previous lesson shows that softmax([z0, z1])₁ = σ(z1 − z0) and that two-class CE is BCE "
        "on z1 − z0. Here is the computed run for your settings."
    )
    if loss == "bce" and run is not None:
        twin = None
        with explain_errors("The two-neuron comparison"):
            twin = twin_heads(kind, model, lr, epochs, decay, smoothing, loss_label)
        if twin is not None:
            explain(
                "Trained from the matching start (head learning rate halved, see the previous lesson), the two-neuron "
                "softmax head's P(class 1) "
                + (
                    f"differs from the single sigmoid neuron's by at most **{twin.matched_max:.2g}** over all samples "
                    f"and the {twin.epochs.size} recorded epochs: the same run."
                    if twin.matched_identical
                    else "equals the single sigmoid neuron's in exact arithmetic; at this large η the dynamics are "
                    f"chaotic and float64 rounding drifts the two runs apart (by {twin.matched_max:.3g})."
                )
                + " With the same learning rate the two-neuron head takes twice the step on z1 − z0: at epoch "
                f"{epochs}, {_pct(twin.same_lr_extreme)} of its probabilities "
                f"are below 0.01 or above 0.99 (single neuron: {_pct(twin.sigmoid_extreme)}), max |z1 − z0| = "
                f"{twin.same_lr_max_logit:.3g} (single neuron {twin.sigmoid_max_logit:.3g}). "
                + (
                    "**No: switching to two softmax neurons changes nothing about the extremes.** The thread's answer "
                    '("choosing softmax makes no difference") is right.'
                    if twin.matched_identical
                    else "In exact arithmetic switching to two softmax neurons changes nothing; at this η, lower the "
                    "learning rate to see the two runs agree to 1e-16."
                )
            )
    else:
        st.info(
            "The two-neuron softmax head is the twin of BCE (and of label-smoothed BCE). Pick one of those losses "
            "to train it beside the single neuron.",
            icon=":material/info:",
        )
    st.page_link(
        "lessons/sigmoid_vs_softmax.py", label="Lesson: one sigmoid vs two softmax neurons", icon=":material/call_split:"
    )


training_sections()


# --------------------------------------------------------------------------------------------
st.header("4. Remedies, when you want scores that mean something")
explain(
    "Extreme scores are not a bug of BCE: on data the model separates, they are its optimum. If you need "
    "probabilities in the middle of the range (ranking, thresholds, calibration), change the objective. The "
    f"numbers are the reference runs above ({e_full} epochs):\n"
    f"- **Label smoothing** (targets 1 − ls/2 and ls/2) gives each sample a finite optimal logit z*: with ls = "
    f"{ls_row.label_smoothing:g}, z* = {z_star_ref:.3g} and ‖W‖ stops at {ls_row.weight_norm[2]:.3g}. Pick "
    "*label-smoothed BCE* above and watch the logit histogram stop spreading (dashed lines at ±z*).\n"
    f"- **Weight decay** adds λ/2·‖W‖² to the loss, so growing the weights eventually costs more than it saves: "
    f"with λ = {wd_row.weight_decay:g}, ‖W‖ stops at {wd_row.weight_norm[2]:.3g}.\n"
    "- **Focal loss** multiplies BCE by (1 − p_t)^γ, which all but switches off samples that are already "
    f"right: ‖W‖ reaches {focal_row.weight_norm[2]:.3g} instead of {sep.weight_norm[2]:.3g}, still growing. It "
    "is meant for imbalanced data; its own lesson has the details.\n"
    "- **Stopping earlier** keeps the weights wherever the curve above had them at that epoch."
)
st.latex(
    r"\begin{aligned} z^{*} &= \log\frac{1 - \mathrm{ls}/2}{\mathrm{ls}/2} \\"
    r" L_{\lambda}(W) &= L(W) + \tfrac{\lambda}{2}\lVert W \rVert^2 \\"
    r" \mathrm{FL} &= -\alpha_t (1 - p_t)^{\gamma} \log p_t \end{aligned}"
)
focal = lesson_by_slug("focal-loss")
if focal in available_lessons():
    st.page_link(focal.file, label=f"Lesson: {focal.title}", icon=focal.icon)

next_lesson_link(SLUG)
