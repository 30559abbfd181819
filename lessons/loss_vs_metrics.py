"""Lesson: loss vs accuracy and F1 (seed 003).

Why validation loss can rise while accuracy and F1 improve: a toy training run whose validation
labels contain a few annotation errors, the training and validation curves, and one epoch in
detail (per-sample losses, predicted probabilities per class, precision / recall / F1 against the
threshold). Beside it, the case where both loss curves run parallel (seed 003's second question),
with the verdict computed from the curves.
"""

import streamlit as st

from lossviz import overfitting as ovf
from lossviz.figures import metrics as figs
from lossviz.losses import bce
from lossviz.metrics import precision_recall_f1_curve
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
    shared_figures,
    widgets,
)

SLUG = "loss-vs-metrics"
SCENARIO_CHOICES = {
    "Wrong labels in validation only": "confident-mistakes",
    "Same label noise in both sets": "parallel",
}
NOISE_LEVELS = ["0", "2.5", "5", "10", "20"]

run_scenario = cached(ovf.run_scenario)

# The run's curves with the inspected epoch marked depend on (data, label errors, epoch) only: shared,
# read-only, so moving the threshold or k sends the figure without rebuilding it.
@shared_figures(max_entries=16)
def curves_figure(scenario_name: str, noise: float, epoch: int):
    run = run_scenario(scenario_name, val_label_noise=noise)
    return figs.training_curves_figure(run, ovf.curve_verdict(run), epoch=epoch)


# The epoch, threshold and k drive the rest of sections 1 and 2 only: moving them reruns this
# fragment; the data and label-error widgets above drive the run itself and stay outside.
@fragment
def epoch_section(scenario_name: str, scenario, noise: float, run, verdict, n_val: int, n_errors: int) -> None:
    e1, e2, e3 = st.columns([2, 1, 1])
    with e1:
        epoch = widgets.slider(
            "Inspect epoch", 0, scenario.epochs, scenario.epochs, step=scenario.record_every, key="lvm_epoch"
        )
    with e2:
        threshold = widgets.slider(
            "Threshold t",
            0.0,
            1.0,
            0.5,
            step=0.01,
            key="lvm_threshold",
            help="A sample is predicted positive when p > t.",
        )
    with e3:
        k = widgets.slider("Worst samples k", 1, 20, 5, key="lvm_k")

    fig_curves = curves_figure(scenario_name, noise, int(epoch))
    chart(fig_curves, key="lvm_fig_curves", alt=f"Inspecting epoch {int(epoch)}, threshold {threshold:.2f}.")
    export_buttons(
        fig_curves,
        name=f"loss-vs-metrics-curves-{scenario_name}",
        key="lvm_exp_curves",
        table=lambda: {
            "epoch": run.epochs.tolist(),
            "train_loss": run.train_loss.tolist(),
            "val_loss": run.val_loss.tolist(),
            "val_accuracy": run.val_accuracy.tolist(),
            "val_precision": run.val_precision.tolist(),
            "val_recall": run.val_recall.tolist(),
            "val_f1": run.val_f1.tolist(),
        },
    )

    st.subheader("The verdict, read from the curves")
    v = verdict
    v1, v2, v3, v4 = st.columns(4)
    v1.metric(f"lowest validation loss (epoch {v.best_epoch})", f"{v.best_val_loss:.3f}")
    v2.metric(
        "validation loss at the end",
        f"{v.final_val_loss:.3f}",
        f"{v.val_rise:+.0%} since its low",
        delta_color="inverse",
    )
    v3.metric(
        "validation accuracy",
        f"{v.final_accuracy:.1%}",
        f"{v.final_accuracy - v.accuracy_at_best:+.1%} since epoch {v.best_epoch}",
    )
    v4.metric("validation F1", f"{v.final_f1:.3f}", f"{v.final_f1 - v.f1_at_best:+.3f} since epoch {v.best_epoch}")
    if v.overfitting_signature:
        metrics_text = (
            f"**But the metrics did not get worse**: accuracy went from {v.accuracy_at_best:.1%} to "
            f"{v.final_accuracy:.1%} and F1 from {v.f1_at_best:.3f} to {v.final_f1:.3f}. The decisions improved; "
            "what got worse is how much the wrong ones cost."
            if v.metrics_improved
            else f"The metrics got worse too (accuracy {v.accuracy_at_best:.1%} → {v.final_accuracy:.1%}, "
            f"F1 {v.f1_at_best:.3f} → {v.final_f1:.3f}): here the model's decisions degrade as well."
        )
        explain(
            f"The loss curves show the overfitting signature: validation loss is lowest at epoch {v.best_epoch} "
            f"({v.best_val_loss:.3f}) and then rises by {v.val_rise:.0%} to {v.final_val_loss:.3f}, while training "
            f"loss keeps falling ({v.train_loss_at_best:.3f} → {v.final_train_loss:.3f}); the gap between them grows "
            f"from {v.gap_at_best:.3f} to {v.final_gap:.3f}. {metrics_text}"
        )
        if v.metrics_improved:
            explain(
                f"So the answer to the seed's question is **yes, it is possible**, and which epoch is best depends on "
                f"what you measure: stopping at the lowest validation loss gives F1 {v.f1_at_best:.3f} (epoch "
                f"{v.best_epoch}), stopping at the best F1 gives {v.best_f1:.3f} (epoch {v.best_f1_epoch}). If F1 is "
                "what you will report, select the model on F1; the rising loss is telling you the probabilities are "
                "over-confident, which matters if you use them as probabilities (calibration)."
            )
    elif v.rising:
        explain(
            f"Validation loss is lowest at epoch {v.best_epoch} and rises by {v.val_rise:.0%} afterwards, but the "
            f"training loss does not keep falling ({v.train_loss_at_best:.3f} → {v.final_train_loss:.3f}): not the "
            "overfitting signature."
        )
    else:
        explain(
            f"The two loss curves run **parallel**: validation loss is lowest at epoch {v.best_epoch} "
            f"({v.best_val_loss:.3f}) and ends at {v.final_val_loss:.3f}, within {v.tolerance:.0%} of its low "
            f"({v.val_rise:+.1%}); the gap to the training loss is {v.gap_at_best:.3f} at epoch {v.best_epoch} and "
            f"{v.final_gap:.3f} at the end. Overfitting would show as validation loss rising while training loss "
            "falls; parallel curves with a steady gap are not overfitting, as the seed's answer says. The gap is "
            "the price of evaluating on data the model has not seen."
        )

    # ----------------------------------------------------------------------------------------
    st.header(f"2. Epoch {int(epoch)} in detail")
    view = None
    with explain_errors("This epoch"):
        view = ovf.epoch_view(run, int(epoch), threshold=threshold, k=int(k))
    if view is not None:
        fig_bars = figs.per_sample_loss_figure(view, run.annotation_error)
        chart(fig_bars, key="lvm_fig_bars")
        export_buttons(
            fig_bars,
            name=f"loss-vs-metrics-per-sample-epoch{view.epoch}",
            key="lvm_exp_bars",
            table=lambda: {
                "rank": list(range(1, view.order.size + 1)),
                "sample": view.order.tolist(),
                "label": run.y_val[view.order].astype(int).tolist(),
                "p": view.probs[view.order].tolist(),
                "loss": view.loss[view.order].tolist(),
                "misclassified": view.wrong[view.order].tolist(),
                "annotation_error": run.annotation_error[view.order].tolist(),
            },
        )
        worst = view.loss[view.order[0]]
        explain(
            f"The validation loss at epoch {view.epoch} is the mean of these {n_val} bars, {view.mean_loss:.3f}. "
            f"**The {view.k} worst samples carry {view.top_k_share:.0%} of it** (the largest alone costs "
            f"{worst:.3g}). At threshold {view.threshold:.2f}, {view.n_wrong} samples are misclassified and carry "
            f"{view.wrong_share:.0%} of the loss"
            + (
                f"; the {n_errors} samples whose label is an annotation error carry {view.annotation_share:.0%}."
                if n_errors
                else "."
            )
            + " Accuracy and F1 count each mistake once, however confident; the loss charges a confident mistake "
            "−log(p of its label), which grows without bound as the model grows surer. This is the seed answer's "
            "explanation, computed."
        )
        hist = ovf.probability_histogram(view.probs, run.y_val)
        sweep = precision_recall_f1_curve(run.y_val, view.probs)
        fig_hist = figs.probability_histogram_figure(hist, threshold=view.threshold, epoch=view.epoch)
        chart(fig_hist, key="lvm_fig_hist")
        export_buttons(
            fig_hist,
            name=f"loss-vs-metrics-probabilities-epoch{view.epoch}",
            key="lvm_exp_hist",
            table=lambda: {
                "bin_low": hist.edges[:-1].tolist(),
                "bin_high": hist.edges[1:].tolist(),
                "true_class_0": hist.negative.tolist(),
                "true_class_1": hist.positive.tolist(),
            },
        )
        fig_thr = figs.threshold_figure(sweep, threshold=view.threshold, epoch=view.epoch)
        chart(fig_thr, key="lvm_fig_threshold")
        export_buttons(
            fig_thr,
            name=f"loss-vs-metrics-threshold-epoch{view.epoch}",
            key="lvm_exp_threshold",
            table=lambda: {
                "threshold": sweep.thresholds.tolist(),
                "precision": sweep.precision.tolist(),
                "recall": sweep.recall.tolist(),
                "f1": sweep.f1.tolist(),
                "accuracy": sweep.accuracy.tolist(),
            },
        )
        t1, t2, t3, t4 = st.columns(4)
        t1.metric("precision", f"{view.precision:.3f}")
        t2.metric("recall", f"{view.recall:.3f}")
        t3.metric("F1", f"{view.f1:.3f}")
        t4.metric("accuracy", f"{view.accuracy:.1%}")
        explain(
            f"At t = {view.threshold:.2f}: precision {view.precision:.3f}, recall {view.recall:.3f}, F1 {view.f1:.3f}, "
            f"accuracy {view.accuracy:.1%}. The histogram shows where the loss comes from: "
            f"{view.confident_wrong} samples give their own label a probability below 0.1 (p > 0.9 with "
            "label 0, or p < 0.1 with label 1). "
            "Moving the threshold changes which side of it a sample falls on, and so precision, recall and F1; "
            "it does not change the loss at all, which never looks at a threshold."
        )


lesson_header(
    SLUG,
    "My validation loss started rising, yet validation accuracy and F1 kept improving for thousands of "
    "iterations. Is that possible? And when both loss curves run parallel, am I overfitting?",
)

# --------------------------------------------------------------------------------------------
# The prediction reads no widget: picking an answer reruns only this fragment.
@fragment
def predict_section() -> None:
    default_run = run_scenario("confident-mistakes")
    default_verdict = ovf.curve_verdict(default_run)
    went_down = default_verdict.final_accuracy < default_verdict.accuracy_at_best
    predict_then_reveal(
        f"A model is trained for {int(default_run.epochs[-1])} epochs. Its validation loss is lowest at epoch "
        f"{default_verdict.best_epoch} and then rises by {default_verdict.val_rise:.0%} until the end, while the "
        "training loss keeps falling. Did validation accuracy go down?",
        ["Yes, it went down", "No, it stayed the same or went up"],
        key="lvm_predict",
        answer="Yes, it went down" if went_down else "No, it stayed the same or went up",
        explanation=(
            f"Validation accuracy went from {default_verdict.accuracy_at_best:.1%} at epoch "
            f"{default_verdict.best_epoch} to {default_verdict.final_accuracy:.1%} at epoch "
            f"{int(default_run.epochs[-1])}, and F1 from {default_verdict.f1_at_best:.3f} to "
            f"{default_verdict.final_f1:.3f}. The loss rose because the model grew more confident everywhere, "
            "and a few samples it gets wrong now cost a lot. The run is below."
        ),
    )


predict_section()

# The scenario and the label noise drive sections 1 and 2: one fragment, so a change reruns
# these sections, not the page around them.
@fragment
def scenario_sections() -> None:
    # --------------------------------------------------------------------------------------------
    st.header("1. A training run")
    s1, s2 = st.columns([2, 1])
    with s1:
        scenario_label = widgets.segmented_control(
            "Data",
            list(SCENARIO_CHOICES),
            default="Wrong labels in validation only",
            required=True,
            wrap=True,
            key="lvm_scenario",
        )
    scenario_name = SCENARIO_CHOICES.get(scenario_label, "confident-mistakes")
    scenario = ovf.SCENARIOS[scenario_name]
    noise = scenario.val_label_noise
    with s2:
        if scenario_name == "confident-mistakes":
            noise_text = widgets.select_slider(
                "Annotation errors in the validation labels (%)",
                NOISE_LEVELS,
                value="5",
                key="lvm_noise",
                help="This share of the validation labels is flipped after the split; the training labels are clean.",
            )
            noise = float(noise_text) / 100 if noise_text in NOISE_LEVELS else scenario.val_label_noise
        else:
            st.caption("This data set has labels flipped at the same rate in its training and validation parts.")

    run = verdict = None
    with explain_errors("This configuration"):
        run = run_scenario(scenario_name, val_label_noise=noise)
        verdict = ovf.curve_verdict(run)

    if run is not None and verdict is not None:
        n_val = run.y_val.size
        n_errors = int(run.annotation_error.sum())
        if scenario_name == "confident-mistakes":
            explain(
                f"Logistic regression trained with binary cross-entropy (full batch, learning rate "
                f"{run.learning_rate:g}) on {run.n_train} clean points, {run.train_positive_fraction:.0%} of them "
                "positive, with a small gap between the classes. The "
                f"validation set has {n_val} points drawn the same way, but {n_errors} of their labels "
                f"({noise:.1%}) are annotation errors: flipped after the fact, as happens when people label data."
            )
        else:
            explain(
                f"Logistic regression trained with binary cross-entropy on {run.n_train} points whose labels are "
                f"{run.train_label_noise:.0%} wrong, and validated on {n_val} points with the same noise: a model too "
                "simple to memorise the wrong labels, the situation of seed 003's second question."
            )
        epoch_section(scenario_name, scenario, noise, run, verdict, n_val, n_errors)


scenario_sections()

# --------------------------------------------------------------------------------------------
st.header("3. The formulas")
# One short formula per st.latex: a long line is cut off on a phone.
st.latex(r"\text{loss} = \frac1N\sum_{i=1}^{N} -\left[y_i\log p_i + (1-y_i)\log(1-p_i)\right]")
st.latex(r"\text{accuracy} = \frac1N\sum_{i=1}^N \left[\,[p_i>t] = y_i\,\right]")
st.latex(r"\text{precision}=\frac{TP}{TP+FP},\qquad \text{recall}=\frac{TP}{TP+FN}")
st.latex(r"F_1=\frac{2\,TP}{2\,TP+FP+FN}")
unsure, sure = bce([0.51, 0.9999], [0.0, 0.0], reduction="none")
explain(
    f"A sample of class 0 misclassified with p = 0.51 adds −log 0.49 = {unsure:.3f} to the sum; the same sample "
    f"misclassified with p = 0.9999 adds −log 0.0001 = {sure:.2f}. To the accuracy both are one mistake. A model "
    "that keeps growing more confident can therefore fix a few borderline samples (metrics up) while its few "
    "remaining mistakes get more expensive (loss up)."
)

next_lesson_link(SLUG)
