"""Your numbers: paste or upload predictions and labels; every loss, gradient and metric, per sample,
and the number PyTorch, Keras, TensorFlow, Caffe and scikit-learn would print for them."""

import streamlit as st

from lossviz import libraries, parsing, report
from lossviz.figures.report import MAX_BARS, per_sample_loss_figure
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
    table_to_csv,
    widgets,
)

SLUG = "your-numbers"

# Option labels are what the address bar shows (?yn_format=one-hot), so they are short words.
FORMAT_OPTIONS = {
    "auto-detect": "auto",
    "binary": "binary",
    "class index": "class_index",
    "one-hot": "one_hot",
    "multi-hot": "multi_hot",
}
FORMAT_NAMES = {
    "binary": "binary (one 0/1 label per sample)",
    "class_index": "class indices (0 … C−1)",
    "one_hot": "one-hot rows",
    "multi_hot": "multi-hot rows (multi-label)",
}
KINDS = ("logits", "probabilities")
# One fixed name per loss, whatever the data: the browser keeps a widget's displayed label, so a label
# that changed with the data would show a stale name.
LOSS_NAMES = {
    "bce_with_logits": "BCE with logits (BCEWithLogitsLoss)",
    "sigmoid_focal_loss": "sigmoid focal loss (torchvision)",
    "sigmoid_mse": "squared error through a sigmoid",
    "cross_entropy": "softmax cross-entropy (CrossEntropyLoss)",
    "cross_entropy_probs": "softmax cross-entropy, one-hot targets (CrossEntropyLoss)",
    "multilabel_softmax_ce": "multi-label softmax cross-entropy (1/M)",
    "bce": "BCE on probabilities (Keras)",
    "mse": "squared error on probabilities",
    "categorical_ce": "categorical cross-entropy (Keras)",
}
EXAMPLES = {
    "Binary, logits": (
        "# one logit per sample (the score of class 1)\n2.3\n-1.1\n0.4\n4.0\n-3.2\n-0.2",
        "# label: 0 or 1\n1\n0\n0\n1\n1\n0",
        "logits",
        "bce_with_logits",
    ),
    "3 classes, logits": (
        ("# one logit per class: cat, dog, bird\n2.0, 0.5, -1.0\n0.1, 0.2, 3.0\n-2.0, 4.0, 0.0\n"
         "1.0, 1.0, 1.0\n3.5, 0.2, -0.5"),
        "# class index: 0 = cat, 1 = dog, 2 = bird\n0\n2\n1\n2\n1",
        "logits",
        "cross_entropy",
    ),
    "Multi-label, logits": (
        ("# one logit per label: sunny, people, car\n1.5, -0.3, 2.0\n-1.0, 0.8, -2.2\n0.0, 3.0, -0.5\n"
         "-2.5, -1.0, 1.2"),
        "# 1 where the label applies (several per row allowed)\n1, 0, 1\n0, 1, 0\n1, 1, 0\n0, 0, 1",
        "logits",
        "bce_with_logits",
    ),
    "3 classes, probabilities": (
        "# softmax outputs, one row per sample\n0.7, 0.2, 0.1\n0.1, 0.1, 0.8\n0.05, 0.9, 0.05\n0.3, 0.3, 0.4",
        "# one-hot rows\n1, 0, 0\n0, 0, 1\n1, 0, 0\n0, 1, 0",
        "probabilities",
        "categorical_ce",
    ),
}
DEFAULT_PREDICTIONS, DEFAULT_LABELS, _, _ = EXAMPLES["Binary, logits"]
SAME, DIFFERENT = "Yes, the same number", "No, different numbers"
SOFTMAX_LOSSES = ("cross_entropy", "cross_entropy_probs", "multilabel_softmax_ce")

parse_text = cached(parsing.parse_text)
parse_csv = cached(parsing.parse_csv)
check_rows = cached(parsing.parse_matrix)
compatible_formats = cached(parsing.compatible_formats)
as_labels = cached(parsing.as_labels)
build_report = cached(report.build_report)
library_losses = cached(libraries.library_losses)


def load_example(name: str) -> None:
    """Button callback: put an example into the (URL-bound) inputs before they are drawn."""
    predictions, labels, kind, main_loss = EXAMPLES[name]
    st.session_state["yn_pred"] = predictions
    st.session_state["yn_labels"] = labels
    st.session_state["yn_kind"] = kind
    st.session_state["yn_format"] = "auto-detect"
    st.session_state["yn_loss"] = LOSS_NAMES[main_loss]


# The loss to look closer at drives this figure and section 2 only: choosing another reruns this
# fragment, not the page (whose tables and library numbers do not depend on it).
@fragment
def closer_section(rep, wrt: str, table) -> None:
    names = [LOSS_NAMES[r.key] for r in rep.losses]
    chosen_name = widgets.selectbox("Look closer at", names, key="yn_loss")
    chosen = rep.losses[names.index(chosen_name)].key
    focus = rep.loss(chosen)
    details = rep.details()
    st.latex(r"\ell = " + focus.latex)
    fig = per_sample_loss_figure(focus.per_sample, correct=rep.correct, details=details, loss_name=focus.short)
    chart(fig, key="yn_chart")
    export_buttons(
        fig,
        name="your-numbers-per-sample-loss",
        key="yn_export",
        table=lambda: {"sample": table["sample"], "correct": table["correct"], focus.short: table[focus.short]},
    )
    worst, worst_value, worst_share = rep.worst_sample(chosen)
    wrong = int((~rep.correct).sum())
    sentences = [
        (f"The largest {focus.short} is sample {worst + 1} ({details[worst]}): {fmt(worst_value)}, "
        f"{worst_share:.0%} of the sum over all {rep.n_samples} samples.")
    ]
    if 0 < wrong < rep.n_samples:
        shares = ", ".join(f"{r.short} {rep.wrong_share(r.key):.0%}" for r in rep.losses)
        sentences.append(
            f"The {wrong} wrongly predicted sample(s), {wrong / rep.n_samples:.0%} of the data, carry this "
            f"share of each loss: {shares}."
        )
    elif wrong == 0:
        sentences.append(
            "Every sample is predicted correctly, yet no loss is 0: they keep pushing towards certainty."
        )
    else:
        sentences.append("Every sample is predicted wrong.")
    if rep.n_samples > MAX_BARS:
        sentences.append(f"The figure shows the {MAX_BARS} largest losses; the table has all of them.")
    explain(" ".join(sentences))

    st.header("2. The gradient of each sample's loss")
    gradient = rep.gradient_table(chosen)
    st.latex(report.GRADIENT_LATEX[chosen])
    st.dataframe(gradient, hide_index=True, height=min(420, 38 + 35 * rep.n_samples))
    st.download_button(
        "Gradients as CSV",
        data=lambda: table_to_csv(rep.gradient_table(chosen)),
        file_name=f"lossviz-your-numbers-gradient-{chosen}.csv",
        mime="text/csv",
        key="yn_download_gradient",
        on_click="ignore",
        icon=":material/table:",
    )
    row = focus.grad[worst]
    shown = f"[{', '.join(f'{g:+.4g}' for g in row)}]" if row.ndim else f"{row:+.4g}"
    explain(
        f"Each entry is ∂ℓᵢ/∂{wrt} of that sample's own {focus.short} (reduction='none'). With PyTorch's "
        f"default reduction='mean' every entry is divided by {focus.mean_divisor}. For sample {worst + 1}, "
        f"the one with the largest loss, the gradient is {shown}"
        + (
            ": every class's logit gets a gradient, not only the true class's."
            if rep.n_classes > 1 and focus.key in SOFTMAX_LOSSES
            else "."
        )
    )


# The prediction's text depends on the input, so it arrives as arguments; picking an answer reruns
# only this fragment.
@fragment
def predict_section(question: str, answer: str, explanation: str) -> None:
    predict_then_reveal(question, [SAME, DIFFERENT], key="yn_reveal", answer=answer, explanation=explanation)


def fmt(value: float) -> str:
    return f"{value:.6g}"


lesson_header(
    SLUG,
    "What do the losses, their gradients and the metrics say about *my* predictions, sample by sample, "
    "and which number would PyTorch, Keras, TensorFlow, Caffe or scikit-learn print for them?",
)
explain(
    "Paste your model's outputs and the true labels (or upload a CSV file). lossviz computes every loss "
    "that applies to them, the gradient of each sample's loss, the metrics, and the value each library "
    "reports under its own name, with code you can run to check it."
)
with st.expander("How to enter your numbers, and the limits"):
    st.markdown(
        f"""
**Predictions** (left box): one row per sample. Separate the values in a row with commas, spaces,
tabs or semicolons; use a dot as the decimal mark. **One value per row** is a binary problem (the
logit, or the probability, of class 1). **C values per row** are one score per class. Blank lines and
lines starting with `#` are skipped; a Python/NumPy list such as `[[2.0, -1.0], [0.5, 1.5]]` works too.

**Labels** (right box): one row per sample, in any of these formats (detected automatically; override
it below when the guess is wrong):
- *binary*: one 0 or 1 per sample, with one prediction column;
- *class index*: one whole number 0 … C−1 per sample, with C prediction columns;
- *one-hot*: C values of 0/1 per sample with exactly one 1;
- *multi-hot* (multi-label): C values of 0/1 per sample, any number of 1s. A multi-label set whose rows
  each have exactly one 1 looks one-hot: choose multi-hot then.

One label per sample may also go on a single line (`1 0 0 1`).

**CSV upload**: predictions and labels side by side, one row per sample. With a header, the label
columns are named `label` (or `label_0`, `label_1`, … for one-hot / multi-hot; `y`, `target` work
too) and every other column is a prediction; without a header the last column is the label. The
**Data as CSV** button further down writes exactly this format.

**Limits**: each text box holds up to {parsing.MAX_TEXT_CHARS:,} characters, because the boxes are
written into the page address so that a link reopens them (servers reject much longer addresses).
Files: up to 1 MB, {parsing.MAX_ROWS:,} rows and {parsing.MAX_COLUMNS} prediction columns.
Nothing you enter is stored: it lives in this browser tab and its address.
"""
    )

st.caption("Load an example:")
example_columns = st.columns(len(EXAMPLES))
for column, name in zip(example_columns, EXAMPLES):
    column.button(
        name, key=f"yn_example_{list(EXAMPLES).index(name)}", on_click=load_example, args=(name,), width="stretch"
    )

left, right = st.columns(2)
with left:
    predictions_text = widgets.text_area(
        "Predictions: one row per sample",
        value=DEFAULT_PREDICTIONS,
        key="yn_pred",
        max_chars=parsing.MAX_TEXT_CHARS,
        height=230,
        help="Values separated by commas, spaces, tabs or semicolons; one value per row for binary, "
        "C values per row for C classes.",
    )
    prediction_messages = st.container()
with right:
    labels_text = widgets.text_area(
        "Labels: one row per sample",
        value=DEFAULT_LABELS,
        key="yn_labels",
        max_chars=parsing.MAX_TEXT_CHARS,
        height=230,
        help="0/1, a class index 0 … C−1, or a row of C values of 0/1 (one-hot / multi-hot).",
    )
    label_messages = st.container()

upload = st.file_uploader(
    f"…or upload a CSV file (up to 1 MB, {parsing.MAX_ROWS:,} rows × {parsing.MAX_COLUMNS} prediction "
    "columns); while it is loaded it replaces the boxes",
    type=["csv", "txt", "tsv"],
    key="yn_file",
)
upload_messages = st.container()

raw = None
if upload is not None:
    upload_messages.caption(f"Using **{upload.name}**. Remove the file to use the text boxes again.")
    with explain_errors(f"The file {upload.name}", container=upload_messages):
        raw = parse_csv(upload.getvalue())
else:
    rows_ok = labels_ok = False
    with explain_errors("The predictions", container=prediction_messages):
        check_rows(predictions_text or "", name="predictions")
        rows_ok = True
    with explain_errors("The labels", container=label_messages):
        check_rows(labels_text or "", name="labels")
        labels_ok = True
    if rows_ok and labels_ok:
        with explain_errors("The labels", container=label_messages):
            raw = parse_text(predictions_text, labels_text)

# Offer only the label formats these labels can be read in, so no choice leads to an error.
fitting = compatible_formats(raw.labels, raw.predictions.shape[1]) if raw is not None else ()
format_options = ["auto-detect"] + [
    label for label, code in FORMAT_OPTIONS.items() if code in fitting or (code != "auto" and not fitting)
]
option_left, option_right = st.columns(2)
with option_left:
    kind = widgets.radio(
        "Predictions are",
        list(KINDS),
        key="yn_kind",
        horizontal=True,
        help="Logits are the raw scores before the sigmoid / softmax; probabilities come after it.",
    )
with option_right:
    format_choice = widgets.selectbox(
        "Label format",
        format_options,
        key="yn_format",
        help="Only the formats your labels can be read in are offered. Auto-detect reads a 0/1 row with "
        "exactly one 1 as one-hot: choose multi-hot for multi-label data.",
    )
label_format = FORMAT_OPTIONS[format_choice]

parsed = None
if raw is not None:
    with explain_errors("The labels", container=upload_messages if upload is not None else label_messages):
        labels = as_labels(raw.labels, raw.predictions.shape[1], label_format=label_format, where=raw.where)
        parsed = parsing.ParsedInput(raw.predictions, labels)

result = None
if parsed is not None:
    labels = parsed.labels
    how = (
        "detected automatically"
        if label_format == "auto"
        else f"as you chose (auto-detect would say {FORMAT_NAMES[labels.detected]})"
    )
    st.success(
        f"Read **{parsed.n_samples} sample(s) × {parsed.n_columns} column(s)** of {kind}; labels: "
        f"**{FORMAT_NAMES[labels.format]}**, {how}.",
        icon=":material/check:",
    )
    hints = report.input_hints(parsed.predictions, kind=kind, label_format=labels.format)
    for hint in hints:
        st.warning(hint.text, icon=":material/lightbulb:")
    if not any(hint.blocking for hint in hints):
        with explain_errors("These predictions"):
            rep = build_report(parsed.predictions, labels.values, kind=kind, label_format=labels.format)
            cmp = library_losses(parsed.predictions, labels.values, kind=kind, label_format=labels.format)
            result = (rep, cmp)

if result is None:
    st.info(
        "The losses, gradients, metrics and library numbers appear here as soon as the input above can be "
        "read. Each message says what was found and what is expected; the examples above always work.",
        icon=":material/info:",
    )
else:
    rep, cmp = result
    wrt = "z" if kind == "logits" else "p"

    st.header("1. Every loss, sample by sample")
    explain(
        f"One row per sample; one column per loss that applies to {kind} with "
        f"{FORMAT_NAMES[rep.label_format]} labels. "
        + (
            "For a loss applied to each class separately, the per-sample value is the mean over the "
            f"{rep.n_classes} classes (Keras' convention; its mean over samples is PyTorch's "
            "reduction='mean')."
            if rep.n_classes > 1 and any(r.per_sample_rule != "one value per sample" for r in rep.losses)
            else ""
        )
    )
    table = rep.table()
    st.dataframe(table, hide_index=True, height=min(420, 38 + 35 * rep.n_samples))
    st.download_button(
        "Table as CSV",
        data=lambda: table_to_csv(rep.table()),
        file_name="lossviz-your-numbers-losses.csv",
        mime="text/csv",
        key="yn_download_table",
        on_click="ignore",
        icon=":material/table:",
    )
    st.dataframe(
        {
            "loss": [r.label for r in rep.losses],
            "per sample": [r.per_sample_rule for r in rep.losses],
            "reduction='mean'": [r.mean for r in rep.losses],
            "reduction='sum'": [r.total for r in rep.losses],
            "mean = sum ÷": [r.mean_divisor for r in rep.losses],
        },
        hide_index=True,
    )
    for name, reason in rep.skipped:
        st.caption(f"Not shown: **{name}**: it {reason}.")

    closer_section(rep, wrt, table)

    st.header("3. The metrics")
    st.dataframe(
        {
            "metric": [m.label for m in rep.metrics],
            "value": [m.value for m in rep.metrics],
            "as the libraries compute it": [m.library for m in rep.metrics],
            "note": [m.note for m in rep.metrics],
        },
        hide_index=True,
    )
    accuracy = rep.metric("accuracy")
    correct_count = int(rep.correct.sum())
    metric_text = (
        f"{accuracy.label.capitalize()} is {accuracy.value:.1%} ({correct_count} of {rep.n_samples} "
        f"samples right) while the mean {rep.losses[0].short} is {fmt(rep.losses[0].mean)}: the metric "
        "counts right and wrong at the 0.5 threshold (or the arg-max), the loss also weighs how "
        "confident each prediction is."
    )
    if rep.label_format in ("class_index", "one_hot"):
        trap = rep.metric("keras_binary_accuracy")
        metric_text += (
            f" Keras' binary_accuracy on the same one-hot labels says {trap.value:.1%}: it counts the "
            f"{rep.n_classes} per-class 0/1 decisions, most of which are easy 'not this class' zeros."
        )
    explain(metric_text)

    st.header("4. The same loss under each library's name")
    if kind == "logits" and rep.label_format in ("binary", "multi_hot"):
        first, second = "keras_bce_default_on_logits", "torch_bce_with_logits"
        question = (
            "You give these logits to Keras' `BinaryCrossentropy()` with its default arguments, and to "
            "PyTorch's `BCEWithLogitsLoss()`. Do they print the same number?"
        )
        extra = (
            f" With from_logits=True Keras prints {fmt(cmp.entry('keras_bce_from_logits').value)}: the same "
            "as PyTorch (Keras averages over the last axis, then over the batch; PyTorch over every "
            "element: the same mean)."
        )
    elif kind == "logits":
        first, second = "torch_cross_entropy_on_softmax", "torch_cross_entropy"
        question = (
            "Your model ends with a softmax layer, and you pass its output to PyTorch's "
            "`CrossEntropyLoss()`. Does it print the same number as on the raw logits?"
        )
        extra = " CrossEntropyLoss applies log_softmax itself: the softmax layer makes it apply twice."
    elif rep.label_format in ("binary", "multi_hot"):
        first, second = "keras_bce", "torch_bce"
        question = (
            "Keras' `BinaryCrossentropy()` and PyTorch's `BCELoss()` on these probabilities: the same number?"
        )
        extra = (
            " They differ only where a probability is within 1e-7 of the wrong end: Keras clips p to "
            "[1e-7, 1 − 1e-7], PyTorch clamps each log at −100."
        )
    else:
        first, second = "keras_cce", "torch_nll_log"
        question = (
            "Keras' `CategoricalCrossentropy()` and PyTorch's `NLLLoss()` on `log(p)`: the same number "
            "for these probabilities?"
        )
        extra = (
            " Keras divides each row by its sum and clips to [1e-7, 1 − 1e-7]; NLLLoss on log(p) does "
            "neither, so rows that do not sum to 1, or a true-class probability of 0, make them differ."
        )
    a, b = cmp.entry(first), cmp.entry(second)
    predict_section(
        question,
        SAME if cmp.same(first, second) else DIFFERENT,
        f"`{a.call}` prints {fmt(a.value)}; `{b.call}` prints {fmt(b.value)}.{extra}",
    )

    proper = [e for e in cmp.entries if e.value is not None and not e.mistake]
    agreeing = [e for e in proper if e.relation == "same"]
    others = [e for e in proper if e.relation != "same"]
    mistakes = [e for e in cmp.entries if e.mistake]
    count = f"all {len(proper)}" if len(agreeing) == len(proper) else f"{len(agreeing)} of the {len(proper)}"
    summary = (
        f"lossviz's {cmp.reference} is **{fmt(cmp.reference_value)}**, and {count} library calls below "
        "print that number"
    )
    if others:
        summary += "; by their own conventions " + "; ".join(
            f"{e.library}'s `{e.call}` prints {fmt(e.value)} ({e.relation})" for e in others
        )
    summary += ". " + " ".join(f"⚠ The common mistake `{e.call}` prints {fmt(e.value)}." for e in mistakes)
    explain(summary)
    st.dataframe(
        {
            "library": [e.library for e in cmp.entries],
            "call": [("⚠ " if e.mistake else "") + e.call for e in cmp.entries],
            "value": [e.value for e in cmp.entries],
            "vs lossviz": [e.relation for e in cmp.entries],
            "returns": [e.returns for e in cmp.entries],
        },
        hide_index=True,
    )
    if not cmp.embedded:
        st.info(
            f"Your data has more than {libraries.EMBED_LIMIT} numbers, so the snippets read it from "
            f"`{libraries.DATA_FILE}`: download it here and run the snippet next to it.",
            icon=":material/download:",
        )
        st.download_button(
            f"Data as CSV ({libraries.DATA_FILE})",
            data=lambda: libraries.data_csv(
                parsed.predictions, parsed.labels.values, label_format=parsed.labels.format
            ),
            file_name=libraries.DATA_FILE,
            mime="text/csv",
            key="yn_download_data",
            on_click="ignore",
            icon=":material/download:",
        )
    st.caption(
        "Each snippet embeds your numbers (written with Python's repr, so they are exact) and prints the "
        "value shown. The PyTorch, Keras and scikit-learn snippets were run against lossviz with torch "
        "2.13, Keras 3.15 and scikit-learn 1.9; TensorFlow and Caffe follow their documentation and source."
    )
    tabs = st.tabs(list(libraries.LIBRARIES))
    for tab, library in zip(tabs, libraries.LIBRARIES):
        with tab:
            for entry in cmp.by_library(library):
                if entry.value is None:
                    st.markdown(f"**{entry.call}**: not applicable here. {entry.reason}")
                    continue
                label = "⚠ " if entry.mistake else ""
                st.markdown(
                    f"{label}**`{entry.call}`** returns {entry.returns}: **{fmt(entry.value)}** "
                    f"({entry.relation}). {entry.note}"
                )
                st.code(entry.snippet, language="python")

next_lesson_link(SLUG)
