"""Lesson: multi-label vs multi-class (seeds 002, 003 and 004).

The same logits through two heads: C sigmoids with BCE per class, or one softmax with the
cross-entropy (1/M-scaled for M positives, seed 004). What each head does with one positive and
with several, where gradient descent takes each, and the Keras trap of seed 003: a 26-class model
trained with binary_crossentropy and reported with binary_accuracy.
"""

import streamlit as st

from lossviz import multiclass as mc
from lossviz.figures import multiclass as figs
from lossviz.metrics import keras_accuracy_trap
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
    widgets,
)

SLUG = "multilabel-vs-multiclass"
MAX_CLASSES = 10
LOGIT_LIMIT = 20.0
LEARNING_RATE = 1.0
DEFAULT_LOGITS = (2.0, 1.5, -1.0, -0.5, 0.0, 1.0, -2.0, 0.5, -1.5, 0.2)
CLASS_LABELS = [f"class {j}" for j in range(MAX_CLASSES)]
MODES = ["Several classes (multi-label)", "Exactly one class (multi-class)"]
TRAP_N_SAMPLES = 1000
TRAP_MAX_CLASSES = 100
TRAP_SWEEP = (2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 26, 32, 40, 50, 64, 80, 100)
TRAP_ROWS = 8
MODEL_BY_LABEL = {label: key for key, label in mc.TRAP_MODELS.items()}
MODEL_SHORT = {"all_zeros": "all zeros", "constant": "constant 1/C", "decent": "decent model", "random": "random"}

# Only the calls that cost more than a st.cache_data wrapper (about 4 ms per rerun) are cached:
# up to 2 × 1000 descent steps, the 100-class data set and the sweep over 17 class counts.
train = cached(mc.train_logits, max_entries=32)
trap_data = cached(mc.keras_trap_data, max_entries=16)
trap_sweep = cached(mc.accuracy_trap_sweep, max_entries=16)


def _classes(indices) -> str:
    indices = [int(j) for j in indices]
    return "none" if not indices else ", ".join(str(j) for j in indices)


lesson_header(
    SLUG,
    "When may an image belong to several classes at once, and what changes if you use sigmoid + binary "
    "cross-entropy per class instead of softmax + cross-entropy? Why did a 26-class model trained with "
    "binary_crossentropy report 96 % accuracy?",
)

# --------------------------------------------------------------------------------------------
st.header("1. The same logits, two heads")
# The data, logits and step sliders drive section 1 only: a change reruns this fragment.
@fragment
def logits_section() -> None:
    mode = widgets.segmented_control("The data", MODES, default=MODES[0], required=True, wrap=True, key="mlc_mode")
    multi_label = mode != MODES[1]
    left, right = st.columns([1, 2])
    with left:
        n_classes = widgets.slider("Number of classes C", 2, MAX_CLASSES, 5, key="mlc_c")
    with right:
        labels = CLASS_LABELS[:n_classes]
        if multi_label:
            picked = widgets.multiselect("Positive classes (y = 1)", labels, default=["class 0", "class 1"], key="mlc_pos")
            positives = sorted(labels.index(label) for label in picked if label in labels)
        else:
            picked_one = widgets.segmented_control(
                "The true class", labels, default="class 0", required=True, wrap=True, key="mlc_true"
            )
            positives = [labels.index(picked_one) if picked_one in labels else 0]
    y = tuple(1.0 if j in positives else 0.0 for j in range(n_classes))

    st.caption(f"Logits z_j, from −{LOGIT_LIMIT:g} to {LOGIT_LIMIT:g} (the same numbers feed both heads):")
    logits = []
    slider_columns = st.columns(5)
    for j in range(n_classes):
        with slider_columns[j % 5]:
            logits.append(widgets.slider(f"z{j}", -LOGIT_LIMIT, LOGIT_LIMIT, DEFAULT_LOGITS[j], step=0.1, key=f"mlc_z{j}"))
    logits = tuple(logits)

    st.markdown("**Sigmoid head**: one independent sigmoid and binary cross-entropy per class (seed 002).")
    st.latex(r"p_j = \sigma(z_j)")
    st.latex(r"L = -\sum_j \left[y_j \log p_j + (1-y_j)\log(1-p_j)\right]")
    st.latex(r"\frac{\partial L}{\partial z_j} = \sigma(z_j) - y_j")
    explain(
        "**Softmax head**: one softmax over the classes, cross-entropy scaled by $1/M$ for $M$ positives (seed 004)."
    )
    st.latex(r"s_j = \frac{e^{z_j}}{\sum_k e^{z_k}}")
    st.latex(r"L = \frac{1}{M}\sum_{i:\,y_i = 1} -\log s_i")
    st.latex(r"\frac{\partial L}{\partial z_j} = s_j - \frac{y_j}{M}")

    sig = soft = None
    with explain_errors("These logits and targets"):
        sig = mc.sigmoid_head(logits, y)
        if positives:
            soft = mc.softmax_head(logits, y)
    if sig is not None and soft is None:
        st.warning(
            "No class is positive. The sigmoid head handles that (every σ(z_j) should go to 0), but a softmax head "
            'cannot: its probabilities always sum to 1, so it has no way to say "none of these", and its '
            "cross-entropy is undefined without a positive class. Pick at least one positive class to compare.",
            icon=":material/info:",
        )

    if sig is not None:
        m = sig.n_positive
        c1, c2, c3, c4 = st.columns(4)
        c1.metric("sigmoid: Σ_j p_j", f"{sig.probability_sum:.3f}")
        c2.metric("sigmoid: BCE summed over classes", f"{sig.loss:.4g}")
        if soft is not None:
            c3.metric("softmax: Σ_j s_j", f"{soft.probability_sum:.3f}")
            c4.metric(f"softmax: CE (1/M, M = {m})", f"{soft.loss:.4g}")

        fig_p = figs.heads_probability_figure(
            y,
            sig.probabilities,
            soft.probabilities if soft is not None else None,
            title="Probabilities: sigmoid vs softmax head",
        )
        chart(fig_p, key="mlc_fig_probs", alt=f"Sigmoid probabilities sum to {sig.probability_sum:.3f}"
              + (f", softmax to {soft.probability_sum:.3f}." if soft is not None else "."))
        export_buttons(fig_p, name="two-heads-probabilities", key="mlc_exp_probs")

        fig_g = figs.heads_gradient_figure(
            sig.gradient, soft.gradient if soft is not None else None, title="∂L/∂z_j under each head"
        )
        chart(fig_g, key="mlc_fig_grads", alt=f"Sigmoid BCE {sig.loss:.4g}" + (f", softmax CE {soft.loss:.4g}." if soft is not None else "."))
        export_buttons(fig_g, name="two-heads-gradients", key="mlc_exp_grads")

        sig_pred = [j for j in range(n_classes) if sig.predicted[j]]
        text = (
            f"**Sigmoid head.** Each class gets its own probability $\\sigma(z_j)$; here they sum to "
            f"{sig.probability_sum:.3f}. Thresholded at 0.5 it predicts classes {_classes(sig_pred)} (target: "
            f"{_classes(positives)}). Each logit's gradient $\\sigma(z_j) - y_j$ depends on that logit alone: a positive "
            "class is pushed up until σ → 1, a negative one down until σ → 0, whatever the other classes do. Its loss "
            f"is summed over the classes, as seed 002 writes it; Keras and PyTorch report the mean, "
            f"{sig.loss:.4g}/{n_classes} = {sig.loss / n_classes:.4g}."
        )
        if soft is not None:
            soft_pred = [j for j in range(n_classes) if soft.predicted[j]]
            best = soft.best_positive_probability
            text += (
                f"\n\n**Softmax head.** Its probabilities always sum to 1 ({soft.probability_sum:.3f}), so the "
                f"M = {m} positive class{'es' if m != 1 else ''} share one unit of probability. Thresholded at 0.5 it "
                f"predicts classes {_classes(soft_pred)}. Its loss is smallest, log M = {soft.loss_floor:.4g}, when "
                f"each positive gets exactly 1/M = {best:.4g} (it is {soft.loss:.4g} now), and its gradient "
                "$s_k - 1/M$ is zero there. "
            )
            if m >= 2:
                text += (
                    f"So even a perfectly trained softmax head gives each positive {best:.4g}, "
                    f"{'below' if best < 0.5 else 'not above'} the 0.5 threshold: thresholded, it predicts none of "
                    'the positives. Multi-label data needs a decoding rule such as "the top M classes", or, '
                    "better, the sigmoid head."
                )
            else:
                text += (
                    "With one positive class this is the ordinary softmax cross-entropy, the right head for "
                    "multi-class data: it can drive s_t → 1."
                )
        explain(text)

        if soft is not None and m >= 1:
            seed_version = mc.seed_004_multilabel_grad(logits, y)
            gap = float(abs(seed_version - soft.gradient).max())
            explain(
                "**Checking seed 004.** For a positive class the tutorial writes $\\frac{1}{M}[(s_k - 1) + (M - 1)s_k]$, "
                "for a negative class $s_n = e^{z_n}/\\sum_j e^{z_j}$. Expanding, "
                "$\\frac{1}{M}[(s_k - 1) + (M - 1)s_k] = \\frac{1}{M}(M s_k - 1) = s_k - \\frac{1}{M}$. Computed from the "
                f"tutorial's two cases at your logits, they differ from $s - y/M$ by at most {gap:.1e}: these formulas "
                "are right. Keras' `categorical_crossentropy` on the same multi-hot target has no $1/M$: it gives "
                f"{soft.unscaled_loss:.4g} = {m} × {soft.loss:.4g} and a gradient $M s - y$, with the same optimum "
                "$s_i = 1/M$."
            )

        # ----------------------------------------------------------------------------------------
        st.subheader("Where gradient descent takes each head")
        steps = widgets.slider("Gradient-descent steps on the logits", 10, 1000, 200, step=10, key="mlc_steps")

        def reveal_training() -> None:
            sig_path = train(logits, y, head="sigmoid", learning_rate=LEARNING_RATE, steps=steps)
            soft_path = train(logits, y, head="softmax", learning_rate=LEARNING_RATE, steps=steps) if soft else None
            fig_t = figs.heads_training_figure(
                y,
                sig_path,
                soft_path,
                learning_rate=LEARNING_RATE,
                title="Probabilities during gradient descent",
            )
            chart(fig_t, key="mlc_fig_train")
            export_buttons(fig_t, name="two-heads-training", key="mlc_exp_train")
            pos_sig = ", ".join(f"{sig_path[-1, j]:.3f}" for j in positives) or "none"
            summary = (
                f"After {steps} steps of $z \\leftarrow z - {LEARNING_RATE:g}\\cdot\\partial L/\\partial z$ (as if the "
                f"network could set these logits freely), the sigmoid head gives the positive classes {pos_sig}"
            )
            if soft_path is not None:
                pos_soft = ", ".join(f"{soft_path[-1, j]:.3f}" for j in positives)
                summary += f"; the softmax head gives them {pos_soft}, heading for 1/M = {1 / m:.3f}"
            explain(summary + ".")

        predict_then_reveal(
            "The target has M positive classes. Trained long enough, what probability does the softmax head give "
            "each positive class?",
            ["Close to 1 each", "1/M each", "0.5 each", "It depends on the starting logits"],
            key="mlc_predict_heads",
            answer="1/M each",
            explanation=(
                "The $M$ probabilities must share a total of at most 1, and the loss $\\frac{1}{M}\\sum -\\log s_i$ is "
                "smallest when they share it equally: $s_k - 1/M = 0$."
                + (f" Here M = {m}, so 1/M = {1 / m:.4g}." if m else "")
            ),
            reveal=reveal_training,
        )


logits_section()


# --------------------------------------------------------------------------------------------
st.header('2. The Keras trap: 96 % "accuracy" on 26 classes')
explain(
    "In seed 003 a 26-class image model trained with `binary_crossentropy` reports about 96 % accuracy, with "
    "high losses. The Keras of that thread resolved `metrics=['accuracy']` to `binary_accuracy` whenever the "
    "loss was `binary_crossentropy`: the mean over **every label of every sample** of "
    "[(p > 0.5) = y], not whether the predicted class is right."
)
st.latex(r"\text{binary\_accuracy} = \frac{1}{N\,C}\sum_{i=1}^{N}\sum_{c=1}^{C} \big[\,[p_{ic} > 0.5] = y_{ic}\,\big]")
st.latex(r"\text{categorical\_accuracy} = \frac{1}{N}\sum_{i=1}^{N} \big[\arg\max_c p_{ic} = \arg\max_c y_{ic}\big]")
all_zero_26 = keras_accuracy_trap(26)


def reveal_trap() -> None:
    trap_left, trap_mid, trap_right = st.columns([1, 2, 1])
    with trap_left:
        trap_c = widgets.slider("Number of classes C", 2, TRAP_MAX_CLASSES, 26, key="mlc_trap_c")
    with trap_mid:
        model_label = widgets.selectbox("The model", list(MODEL_BY_LABEL), index=0, key="mlc_trap_model")
    with trap_right:
        seed = widgets.number_input("Data seed", 0, 9999, 0, step=1, key="mlc_trap_seed")
    model = MODEL_BY_LABEL.get(model_label, "all_zeros")
    with explain_errors("This data set"):
        data = trap_data(trap_c, model, n_samples=TRAP_N_SAMPLES, seed=int(seed))
        report = mc.keras_trap_report(data)
        baseline = mc.keras_trap_report(trap_data(trap_c, "all_zeros", n_samples=TRAP_N_SAMPLES, seed=int(seed)))
        t1, t2, t3 = st.columns(3)
        t1.metric('binary_accuracy (Keras\' "accuracy")', f"{report.binary_accuracy:.1%}")
        t2.metric("categorical_accuracy", f"{report.categorical_accuracy:.1%}")
        t3.metric("all C labels right (subset accuracy)", f"{report.subset_accuracy:.1%}")

        n, c = report.n_samples, report.n_classes
        zeros = f"{c - 1} correct zero{'s' if c > 2 else ''}"
        lines = [
            (
                f"**binary_accuracy on one-hot targets counts the {zeros}.** Each of the {n} samples has {c} "
                f"labels: one 1 and {c - 1} zero{'s' if c > 2 else ''}. This model gets on average "
                f"{report.correct_zeros_per_sample:.2f} of the zeros and {report.correct_ones_per_sample:.2f} of "
                f"the ones right per sample, so binary_accuracy = ({report.tp} + {report.tn}) / ({n}·{c}) = "
                f"{report.binary_accuracy:.2%}."
            ),
        ]
        if model in ("all_zeros", "constant"):
            lines.append(
                f"Every row of this model's output is a tie, and arg-max takes the first index (NumPy, and Keras "
                f"on CPU), so it always predicts class 0: its categorical accuracy is the share of class 0 in these "
                f"{n} samples, {report.class0_share:.1%} (1/C = {1 / c:.1%})."
            )
        if model != "all_zeros":
            lines.append(
                f"The useless all-zero model scores {baseline.binary_accuracy:.2%} binary accuracy on the same data "
                f"({baseline.categorical_accuracy:.1%} categorical): this model's binary accuracy is "
                f"{(report.binary_accuracy - baseline.binary_accuracy) * 100:+.2f} points away from it, its "
                f"categorical accuracy {(report.categorical_accuracy - baseline.categorical_accuracy) * 100:+.1f} "
                "points."
            )
        lines.append(
            f"Keras' binary cross-entropy (clipped, mean over every label) of this model is {report.bce:.4g}: the "
            "loss is honest, only the metric misleads. Ask for `categorical_accuracy` (or train with "
            "`categorical_crossentropy` and a softmax, as the thread's answer says)."
        )
        explain("\n\n".join(lines))

        fig_grid = figs.trap_grid_figure(
            data.y[:TRAP_ROWS],
            data.p[:TRAP_ROWS],
            title=f"binary_accuracy, label by label ({TRAP_ROWS} samples)",
        )
        chart(fig_grid, key="mlc_fig_trap_grid")
        export_buttons(fig_grid, name="keras-trap-labels", key="mlc_exp_trap_grid")

        sweep = tuple(sorted(set(TRAP_SWEEP) | {trap_c}))
        binary, categorical = trap_sweep(model, sweep, n_samples=TRAP_N_SAMPLES, seed=int(seed))
        fig_sweep = figs.trap_sweep_figure(
            sweep,
            binary,
            categorical,
            chosen=(trap_c, report.binary_accuracy, report.categorical_accuracy),
            title=f"Both accuracies vs C: {MODEL_SHORT[model]}",
        )
        chart(fig_sweep, key="mlc_fig_trap_sweep")
        export_buttons(fig_sweep, name="keras-trap-vs-classes", key="mlc_exp_trap_sweep")


# The prediction and the trap's sliders drive this section only.
@fragment
def trap_section() -> None:
    predict_then_reveal(
        "A model that always outputs 0 on a 26-class one-hot problem: what binary accuracy does Keras report?",
        ["About 4 % (1/26)", "About 50 %", "About 96 % (25/26)", "0 %"],
        key="mlc_predict_trap",
        answer="About 96 % (25/26)",
        explanation=(
            f"Each sample has 25 zeros and one 1; outputting 0 gets the 25 zeros right: 25/26 = "
            f"{all_zero_26.binary_accuracy:.2%}. Its categorical accuracy on balanced classes is "
            f"{all_zero_26.categorical_accuracy:.2%} (1/26: every tie goes to class 0)."
        ),
        reveal=reveal_trap,
    )


trap_section()


next_lesson_link(SLUG)
