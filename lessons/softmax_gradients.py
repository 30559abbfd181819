"""Lesson: categorical cross-entropy and softmax gradients (seeds 001 and 004).

Only the true class is in the loss, −log s_t, yet every logit gets a gradient s_j − y_j; the
seed-001 comparison of the categorical CE with summed BCE (and the thread's vector that does not
sum to 1); Keras' probability path and what its epsilon clipping does to loss and gradient.
"""

import streamlit as st

from lossviz import multiclass as mc
from lossviz.figures import multiclass as figs
from lossviz.ui import (
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

SLUG = "softmax-gradients"
MAX_CLASSES = 10
LOGIT_LIMIT = 20.0
DEFAULT_LOGITS = (1.5, 2.0, 0.5, -1.0, 0.0, 1.0, -0.5, 0.8, -2.0, 0.3)
CLASS_LABELS = [f"class {j}" for j in range(MAX_CLASSES)]
EPS_LABELS = ["1e-12", "1e-10", "1e-08", "1e-07", "1e-05", "0.001", "0.1"]
SEED_A, SEED_B = "0.7, 0.1, 0.1, 0.1", "0.73, 0.26, 0.05, 0.05"
VALID_DISAGREEING = (0.71, 0.29, 0.0, 0.0)

# Every core call on this page takes about a millisecond, less than creating a st.cache_data
# wrapper on each rerun (about 4 ms), so nothing here goes through ``cached``.


def _prefers(value_a: float, value_b: float) -> str:
    if value_a == value_b:
        return "neither (equal losses)"
    return "A" if value_a < value_b else "B"


# Section 4's figure depends on the two vectors only, not on the logits: shared, read-only, per pair
# of texts, so a rerun of the page sends it without rebuilding it.
@shared_figures(max_entries=16)
def seed_001_figure_for(text_a: str, text_b: str):
    vectors = [mc.probability_vector_losses(mc.parse_vector(t, name=f"vector {n}")) for n, t in (("A", text_a), ("B", text_b))]
    return figs.seed_001_figure(["vector A", "vector B"], vectors, title="Three losses for y = [1, 0, …, 0]")


# The prediction (and the gradient figure it reveals) reads the logits only through its arguments:
# picking an answer reruns this fragment, not the page.
@fragment
def predict_section(result, true_class: int, n_classes: int) -> None:
    zero_grads = int((result.gradient == 0.0).sum())

    def reveal_gradient() -> None:
        fig_g = figs.gradient_bars_figure(result.gradient, true_class, title="∂loss/∂z_j = s_j − y_j for every logit")
        chart(fig_g, key="smg_fig_grad", alt=f"Largest push down on class {result.strongest_wrong_class}: +{result.gradient[result.strongest_wrong_class]:.4g}.")
        export_buttons(fig_g, name="softmax-gradient", key="smg_exp_grad")

    predict_then_reveal(
        f"The true class is {true_class}. The loss is $-\\log s_{true_class}$, one term. "
        "Which logits get a non-zero gradient?",
        ["Only the true class's logit", "Only the wrong classes' logits", "Every logit", "None of them"],
        key="smg_predict",
        answer="Every logit",
        explanation=(
            f"$s_{true_class} = e^{{z_{true_class}}} / \\sum_k e^{{z_k}}$ has every logit in its denominator, "
            f"so the gradient is $s_j - y_j$: {result.gradient[true_class]:.4g} on the true logit and $+s_j$ on "
            f"each of the other {n_classes - 1}."
            + (f" In float64, {zero_grads} of these round to exactly 0 at these extreme logits." if zero_grads else "")
        ),
        reveal=reveal_gradient,
    )


lesson_header(
    SLUG,
    "Categorical cross-entropy keeps only the true class's term, −log p_true. Do the errors on the "
    "other classes not count, and why not sum a binary cross-entropy over every output instead?",
)

@fragment
def clip_section(logits: tuple, true_class: int, have_result: bool) -> None:
    eps_label = widgets.select_slider("Keras epsilon ε (Keras' default is 1e-07)", EPS_LABELS, value="1e-07", key="smg_eps")
    eps = float(eps_label)
    curves = mc.keras_clip_curves(eps=eps)
    keras = mc.softmax_ce_breakdown(logits, true_class, eps=eps) if have_result else None
    fig_c = figs.clip_figure(
        curves,
        current_p=keras.true_probability if keras is not None else None,
        title="−log p_true, exact vs Keras-clipped",
    )
    chart(fig_c, key="smg_fig_clip")
    export_buttons(fig_c, name="keras-epsilon-clipping", key="smg_exp_clip")

    explain(
        f"With ε = {eps:g}, Keras' loss can never exceed −log ε = **{curves.loss_cap:.4g}** nor fall below "
        f"−log(1 − ε) = {curves.loss_floor:.3g}. Below p_true = ε the clipped probability no longer moves, so "
        "∂L/∂p_true = 0 and, through the softmax, every logit's gradient is 0 as well: the sample stops "
        "teaching the model exactly when it is most wrong. The logit path keeps ∂L/∂z_t = s_t − 1, close to −1."
    )
    if keras is not None:
        if keras.keras_clipped:
            st.warning(
                f"Your logits give p_true = {keras.true_probability:.3g}, outside [ε, 1 − ε]. Exact loss "
                f"{keras.loss:.4g}, Keras loss {keras.keras_loss:.4g}. Gradient on the true logit: exact "
                f"{keras.gradient[true_class]:.4g}, Keras {keras.keras_gradient[true_class]:.4g}; Keras' gradient is 0 "
                "on every logit.",
                icon=":material/warning:",
            )
        else:
            explain(
                f"Your logits give p_true = {keras.true_probability:.4g}, inside the clip: Keras' loss "
                f"({keras.keras_loss:.4g}) and gradient equal the exact ones. Drag z{true_class} to "
                f"−{LOGIT_LIMIT:g} and another logit to +{LOGIT_LIMIT:g} to push p_true below ε."
            )



# The number of classes, the true class and the logits drive sections 1 to 3 (and nothing after
# them): one fragment, so moving a logit reruns those sections, not the page around them.
@fragment
def logits_sections() -> None:
    # --------------------------------------------------------------------------------------------
    st.header("1. One term in the loss, a gradient on every logit")
    top_left, top_right = st.columns([1, 2])
    with top_left:
        n_classes = widgets.slider("Number of classes C", 2, MAX_CLASSES, 4, key="smg_c")
    with top_right:
        true_label = widgets.segmented_control(
            "True class t", CLASS_LABELS[:n_classes], default="class 0", required=True, wrap=True, key="smg_true"
        )
    true_class = CLASS_LABELS.index(true_label) if true_label in CLASS_LABELS[:n_classes] else 0

    st.caption(f"Logits z_j (the softmax layer's inputs), from −{LOGIT_LIMIT:g} to {LOGIT_LIMIT:g}:")
    logits = []
    slider_columns = st.columns(5)
    for j in range(n_classes):
        with slider_columns[j % 5]:
            logits.append(widgets.slider(f"z{j}", -LOGIT_LIMIT, LOGIT_LIMIT, DEFAULT_LOGITS[j], step=0.1, key=f"smg_z{j}"))

    result = None
    with explain_errors("These logits"):
        result = mc.softmax_ce_breakdown(tuple(logits), true_class)

    if result is not None:
        s_t = result.true_probability
        wrong = result.strongest_wrong_class
        top_class = int(result.probabilities.argmax())
        col1, col2, col3 = st.columns(3)
        col1.metric(f"s_t, probability of class {true_class}", f"{s_t:.4g}")
        col2.metric("loss −log s_t", f"{result.loss:.4g}")
        col3.metric(f"largest push down: class {wrong}", f"+{result.gradient[wrong]:.4g}")

        fig_p = figs.probability_bars_figure(
            result.probabilities, true_class, title=f"softmax(z): the true class {true_class} in blue"
        )
        chart(fig_p, key="smg_fig_probs", alt=f"True class {true_class} has probability {s_t:.4g}; loss {result.loss:.4g}.")
        export_buttons(fig_p, name="softmax-probabilities", key="smg_exp_probs")

        predict_section(result, true_class, n_classes)

        ranking = (
            f"The model already ranks class {true_class} first."
            if top_class == true_class
            else f"The model currently ranks class {top_class} first (s = {result.probabilities[top_class]:.4g})."
        )
        explain(
            f"The true class is {true_class}, with probability $s_{true_class}$ = {s_t:.4g}, so the loss is "
            f"−log {s_t:.4g} = **{result.loss:.4g}**. {ranking} Only $s_{true_class}$ appears in the loss, but it "
            f"is $e^{{z_{true_class}}}$ divided by a sum over every class, so a gradient step "
            f"$z \\leftarrow z - \\eta\\,\\partial L/\\partial z$ raises $z_{true_class}$ by "
            f"η·{-result.gradient[true_class]:.4g} and lowers every other logit by $\\eta\\, s_j$. The largest "
            f"push down is on class {wrong} (s = {result.probabilities[wrong]:.4g}), the wrong class the model "
            f"believes most. The gradients sum to {result.gradient_sum:.1e}, zero up to rounding: the push up on "
            "the true logit is exactly the total push down on the others. This is the thread's answer to \"do "
            'the errors for y = 0 contribute?": not to the loss, but to the gradient, through the softmax.'
        )

    # --------------------------------------------------------------------------------------------
    st.header("2. The gradient, step by step")
    explain(
        "With $s = \\mathrm{softmax}(z)$ and a one-hot $y$ whose 1 is at the true class $t$, write the loss "
        "with the log-sum-exp:"
    )
    st.latex(r"L = -\log s_t = -\log \frac{e^{z_t}}{\sum_{k=1}^{C} e^{z_k}}")
    st.latex(r"L = -z_t + \log \sum_{k=1}^{C} e^{z_k}")
    st.markdown("Differentiate the two terms with respect to any logit $z_j$:")
    st.latex(r"\frac{\partial}{\partial z_j}\,(-z_t) = -[j = t]")
    st.latex(r"\frac{\partial}{\partial z_j} \log \sum_{k} e^{z_k} = \frac{e^{z_j}}{\sum_{k} e^{z_k}} = s_j")
    st.latex(r"\frac{\partial L}{\partial z_j} = s_j - [j = t] = s_j - y_j")
    st.markdown("So, for the true class and for any other class $n$:")
    st.latex(r"\frac{\partial L}{\partial z_t} = s_t - 1")
    st.latex(r"\frac{\partial L}{\partial z_n} = s_n = \frac{e^{z_n}}{\sum_k e^{z_k}} \quad (n \ne t)")
    if result is not None:
        written = mc.seed_004_softmax_grad_as_written(tuple(logits), true_class)
        others = [j for j in range(n_classes) if j != true_class]
        gap = max(abs(written[j] - result.gradient[j]) for j in others)
        explain(
            "**Checking seed 004.** The tutorial's positive-class formula, $s_p - 1$, is right. Its negative-class "
            "formula is printed with $e^{z_p}$ in the numerator, i.e. $s_p$, the same number for every negative "
            "class; the numerator must be $e^{z_n}$, giving $s_n$. With your logits, the printed formula gives "
            f"{written[others[0]]:.4g} for every negative class, while the true gradients are "
            + ", ".join(f"{result.gradient[j]:.4g} (class {j})" for j in others[:6])
            + (", …" if len(others) > 6 else "")
            + f": they differ by up to {gap:.4g}."
            + (" (They coincide only when every $s_n$ equals $s_p$, as with equal logits.)" if gap < 1e-12 else "")
            + " Its multi-label formulas do use $e^{z_n}$; the next lesson checks them."
        )

    # --------------------------------------------------------------------------------------------
    st.header("3. Keras computes it on probabilities: the epsilon clip")
    explain(
        "The Keras code in the question divides the outputs by their sum, clips them to [ε, 1 − ε], then takes "
        "$-\\sum_j y_j \\log p_j$. From logits (PyTorch's `cross_entropy`, Keras with `from_logits=True`) nothing "
        "is clipped: $L = \\log \\sum_k e^{z_k} - z_t$. The quoted (2017) Keras always took the clipped path; later "
        "tf.keras and Keras 3's TensorFlow backend recover the logits when the probabilities come straight out of a "
        "softmax layer and skip the clip, but probabilities from anywhere else (a custom layer, arrays passed in) "
        "are still clipped as below."
    )
    st.latex(r"L_{\text{Keras}} = -\log \operatorname{clip}\!\left(\frac{p_t}{\sum_k p_k},\ \epsilon,\ 1-\epsilon\right)")
    st.latex(
        r"\frac{\partial L_{\text{Keras}}}{\partial p_t} = \begin{cases} -1/p_t & \epsilon \le p_t \le 1-\epsilon "
        r"\\ 0 & \text{otherwise} \end{cases}"
    )
    # ε drives this section only: moving it reruns this fragment; the logits arrive as arguments.
    clip_section(tuple(logits), true_class, result is not None)


logits_sections()

# --------------------------------------------------------------------------------------------
st.header("4. Categorical CE or summed BCE? The thread's example")
explain(
    "The question proposes −Σ_i [y_i log p_i + (1 − y_i) log(1 − p_i)] instead, and the answer compares the "
    "two for y = [1, 0, 0, 0] (the 1 is the first entry, class 0). Edit either vector: numbers separated by "
    "commas, in [0, 1]."
)
# The two vectors drive this section only: editing them reruns this fragment, not the page.
@fragment
def vectors_section() -> None:
    col_a, col_b = st.columns(2)
    parsed, texts = {}, {}
    for column, label, default, key in ((col_a, "A", SEED_A, "smg_pa"), (col_b, "B", SEED_B, "smg_pb")):
        with column:
            text = texts[label] = widgets.text_input(f"Vector {label}", default, key=key, max_chars=400)
            with explain_errors(f"Vector {label}"):
                parsed[label] = mc.probability_vector_losses(mc.parse_vector(text, name=f"vector {label}"))
                st.caption(f"{parsed[label].p.size} entries, summing to {parsed[label].total:.6g}")

    if len(parsed) == 2:
        a, b = parsed["A"], parsed["B"]
        fig_s = seed_001_figure_for(texts["A"], texts["B"])
        chart(fig_s, key="smg_fig_seed001")
        export_buttons(fig_s, name="categorical-ce-vs-summed-bce", key="smg_exp_seed001")

        lines = [
            (
                f"- **Summed BCE** (the thread's formula): A {a.summed_bce:.4f}, B {b.summed_bce:.4f}: prefers "
                f"**{_prefers(a.summed_bce, b.summed_bce)}**. (Keras' `binary_crossentropy` reports the mean over the "
                f"outputs instead: A {a.mean_bce:.4f}, B {b.mean_bce:.4f}, "
                + (
                    "the same preference.)"
                    if _prefers(a.mean_bce, b.mean_bce) == _prefers(a.summed_bce, b.summed_bce)
                    else f"which prefers **{_prefers(a.mean_bce, b.mean_bce)}**: the vectors differ in length.)"
                )
            ),
            (
                f"- **Categorical CE read literally**, $-\\log p_0$: A {a.literal_ce:.4f}, B {b.literal_ce:.4f}: "
                f"prefers **{_prefers(a.literal_ce, b.literal_ce)}**."
            ),
            (
                f"- **Keras `categorical_crossentropy`**, which first divides each vector by its sum: $p_0$ becomes "
                f"A {a.normalised[0]:.4f}, B {b.normalised[0]:.4f}, losses A {a.keras_ce:.4f}, B {b.keras_ce:.4f}: "
                f"prefers **{_prefers(a.keras_ce, b.keras_ce)}**."
            ),
        ]
        explain("\n".join(lines))
        invalid = [(name, r) for name, r in (("A", a), ("B", b)) if not r.is_distribution]
        for name, r in invalid:
            st.warning(
                f"Vector {name} sums to {r.total:.6g}, not 1: it is not a probability vector (no softmax can output "
                f"it), so the two readings of the categorical CE disagree. Read literally, its loss is "
                f"−log {r.p[0]:.4g} = {r.literal_ce:.4f}; Keras renormalises first, {r.p[0]:.4g}/{r.total:.4g} = "
                f"{r.normalised[0]:.4f}, loss {r.keras_ce:.4f}."
                + (
                    f" The literal reading prefers {_prefers(a.literal_ce, b.literal_ce)} and Keras prefers "
                    f"{_prefers(a.keras_ce, b.keras_ce)}: the thread's verdict depends on which one you compute."
                    if _prefers(a.literal_ce, b.literal_ce) != _prefers(a.keras_ce, b.keras_ce)
                    else ""
                ),
                icon=":material/warning:",
            )
            other = b if name == "A" else a
            if r.p.size == other.p.size and r.p[0] <= 1.0:
                low, high = mc.summed_bce_bounds(float(r.p[0]), int(r.p.size))
                if high < other.summed_bce or low > other.summed_bce:
                    side = "below" if high < other.summed_bce else "above"
                    explain(
                        f"Had vector {name} been a real probability vector with the same p_0 = {r.p[0]:.4g}, its "
                        f"summed BCE would lie between {low:.4f} (rest split evenly) and {high:.4f} (rest on one "
                        f"class), always {side} the other vector's {other.summed_bce:.4f}: its summed-BCE verdict "
                        f"comes from the extra {r.total - 1:+.4g} of probability mass, not from how it spreads the "
                        "errors."
                    )
        if invalid and a.p.size == len(VALID_DISAGREEING):
            valid = mc.probability_vector_losses(VALID_DISAGREEING)
            explain(
                "A valid vector can still split the two losses. Try B = "
                f"`{', '.join(f'{v:g}' for v in VALID_DISAGREEING)}` (it sums to {valid.total:g}): categorical CE "
                f"{valid.keras_ce:.4f} against A's {a.keras_ce:.4f} prefers **{_prefers(a.keras_ce, valid.keras_ce)}**, "
                f"summed BCE {valid.summed_bce:.4f} against A's {a.summed_bce:.4f} prefers "
                f"**{_prefers(a.summed_bce, valid.summed_bce)}**. The categorical CE looks only at the true class; "
                "summed BCE also charges for piling the wrong probability onto one class."
            )


vectors_section()


next_lesson_link(SLUG)
