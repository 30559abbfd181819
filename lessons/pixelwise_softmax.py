"""Lesson: pixel-wise softmax for segmentation (seed 003).

The "pixel-wise softmax loss" is the ordinary softmax cross-entropy applied at every pixel of
(N, C, H, W) logits against (N, H, W) class indices: ``lossviz.cross_entropy(..., axis=1)``, as
``F.cross_entropy``. A synthetic image with a rare class shows the per-pixel loss map and its
mean, then class weights, an ignored border (ignore_index) and label smoothing, and what class
weights change once something is trained (per-class biases refitted under the weighted loss).
"""

import math

import streamlit as st

from lossviz import segmentation as sg
from lossviz.figures import segmentation as figs
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

SLUG = "pixelwise-softmax"
IGNORE_VALUES = {"-100 (PyTorch's default)": -100, "255 (PASCAL VOC's convention)": 255}
WEIGHT_MODES = ("rare class × w, others 1", "inverse frequency (balanced)")
RARE_WEIGHTS = ["0", "0.1", "0.5", "1", "2", "5", "10", "20", "50", "100"]
SWEEP = tuple(10.0 ** (k / 4) for k in range(-4, 9))
PREDICT_WEIGHT = 10.0
SIZE = 32
RATIO_TEX = r"$\sum_i \ell_i \,/\, \sum_i w_{y_i}$"
RATIO_LABEL = "sum of losses / sum of weights"

# Bounded like the shared entries below (a default cache keeps 128 images of ~50 KB, which a long
# session fills slowly: memory still grew in the second half of 1,000 changes).
example_for = cached(sg.make_example, max_entries=32)
border_for = cached(sg.ignore_border, max_entries=32)
losses_for = cached(sg.pixel_losses, max_entries=32)


def fmt(x: float, digits: int = 4) -> str:
    return "NaN" if math.isnan(x) else f"{x:.{digits}g}"


def pct(x: float) -> str:
    return "undefined" if math.isnan(x) else f"{100 * x:.3g} %"


def weights_text(w) -> str:
    return "[" + ", ".join(f"{v:.4g}" for v in w) + "]"


# Everything the lesson computes from its settings, and the figures drawn from it, as one shared,
# read-only entry per setting: a rerun with settings already seen looks up nine numbers, instead of
# hashing the image's arrays for a dozen separate cached calls, and redraws frozen figures.
@shared_figures(max_entries=32)
def lesson_state(
    n_classes: int,
    seed: int,
    confidence: float,
    noise: float,
    weight_mode: str,
    rare_weight: float,
    border: int,
    smoothing: float,
    ignore_index: int,
) -> dict:
    example = example_for(n_classes, seed=seed, confidence=confidence, noise=noise, size=SIZE)
    target = sg.ignore_border(example.mask, border, ignore_index=ignore_index)
    if weight_mode == WEIGHT_MODES[1]:
        weight = sg.inverse_frequency_weights(example.mask, n_classes)
    else:
        weight = sg.with_rare_weight(n_classes, rare_weight)
    weighted = bool((weight != 1).any())
    options = {"ignore_index": ignore_index, "label_smoothing": smoothing}
    result = sg.pixel_losses(example.logits, target, weight=weight, **options)
    # All weights 1 is the unweighted loss: no need to compute it twice.
    plain = sg.pixel_losses(example.logits, target, **options) if weighted else result
    defined = result.n_valid > 0 and result.denominator > 0
    rare = example.rare_class
    sweep = sg.rare_weight_sweep(example.logits, target, SWEEP, rare_class=rare, **options)
    fit_plain = sg.fit_class_bias(example.logits, target, **options)
    fit_weighted = sg.fit_class_bias(example.logits, target, weight=weight, **options) if weighted else fit_plain
    state = {
        "example": example,
        "weight": weight,
        "weighted": weighted,
        "result": result,
        "plain": plain,
        "defined": defined,
        "naive": sg.naive_softmax_check(example.logits, target, scale=1000.0, ignore_index=ignore_index),
        "sweep": sweep,
        "fit_plain": fit_plain,
        "fit_weighted": fit_weighted,
        "fig_map": figs.loss_map_figure(result, example.names, title='Per-pixel loss (reduction="none")'),
    }
    if defined:
        state["edges"] = sg.region_share(result, sg.boundary_pixels(example.mask))
        state["wrong"] = sg.region_share(result, result.valid & ~result.correct)
        state["fig_shares"] = figs.class_shares_figure(
            example.names,
            result.class_pixel_share,
            plain.class_loss_share,
            result.class_loss_share if weighted else None,
            title="Shares of pixels and of the loss",
        )
        state["fig_sweep"] = figs.weight_sweep_figure(
            sweep,
            current=(float(weight[rare]), result.mean, float(result.class_loss_share[rare]))
            if weight_mode == WEIGHT_MODES[0]
            else None,
            title="Rare-class weight: mean and share",
        )
    if fit_plain.success or fit_weighted.success:
        state["fig_fit"] = figs.masks_figure(
            [("fit, weights 1", fit_plain.predicted), ("fit, your weights", fit_weighted.predicted)],
            example.names,
            valid=result.valid,
            title="After fitting per-class biases",
        )
        scores = {"fit_plain": fit_plain.predicted, "fit_weighted": fit_weighted.predicted, "raw": result.predicted}
        state["scores"] = {
            name: sg.rare_class_scores(target, predicted, rare, ignore_index=ignore_index)
            for name, predicted in scores.items()
        }
    return state


# Truth and prediction depend on the image, the model and the border only, not on the weights, the
# label smoothing or the ignore_index value: the figure is shared, read-only, per those settings.
@shared_figures(max_entries=32)
def masks_figure_for(n_classes: int, seed: int, confidence: float, noise: float, border: int):
    example = example_for(n_classes, seed=seed, confidence=confidence, noise=noise, size=SIZE)
    losses = losses_for(example.logits, border_for(example.mask, border))
    return figs.masks_figure(
        [("ground truth", example.mask), ("prediction (argmax)", losses.predicted)],
        example.names,
        valid=losses.valid,
        title="Truth and prediction",
    )


# The prediction's explanation depends on every setting, so it arrives as an argument; picking an
# answer reruns only this fragment.
@fragment
def predict_section(explanation: str) -> None:
    predict_then_reveal(
        f"You set the weight of the rare class to {PREDICT_WEIGHT:g} (others 1). Does the mean loss go up, down, or "
        "can't you tell without the numbers?",
        [
            "Up, about 10×",
            "Up, but much less than 10×",
            "Down",
            "Can't tell: it depends on the pixels",
        ],
        key="pix_predict",
        answer="Can't tell: it depends on the pixels",
        explanation=explanation,
    )


lesson_header(
    SLUG,
    "What is the pixel-wise softmax loss of a segmentation network? Is it just cross-entropy, what is the "
    "formula, and what is it in PyTorch? (And what do class weights and ignored pixels do to it?)",
)
st.latex(
    r"\ell_i = -\log \frac{e^{z_{y_i,i}}}{\sum_{c=1}^{C} e^{z_{c,i}}} = \log\sum_{c} e^{z_{c,i}} - z_{y_i,i}"
)
st.latex(
    r"L = \frac{\sum_{i\ \text{not ignored}} w_{y_i}\,\ell_i}{\sum_{i\ \text{not ignored}} w_{y_i}}"
)
explain(
    "Pixel $i$ has a vector of $C$ logits $z_{\\cdot,i}$ (the class axis, axis 1 of an (N, C, H, W) tensor) and "
    "one true class $y_i$. Each pixel is an ordinary C-class softmax cross-entropy; the image's loss averages them. With no "
    "class weights (all w = 1) and no ignored pixels, L is the plain mean of the per-pixel losses."
)

# Every setting below drives the sections after it, so all of them are one fragment: a change
# reruns the lesson's sections, not the page around them (header, navigation, styles).
@fragment
def lesson_sections() -> None:
    # --------------------------------------------------------------------------------------------
    st.subheader("The image, the model and the loss options")
    a1, a2, a3, a4 = st.columns(4)
    with a1:
        n_classes = widgets.select_slider(
            "Classes C", [3, 4, 5], value=4, key="pix_classes"
        )
    with a2:
        seed = widgets.slider("Image seed", 0, 9, 0, key="pix_seed")
    with a3:
        confidence = widgets.slider(
            "Model confidence", 0.0, 10.0, 3.0, step=0.5, key="pix_conf"
        )
    with a4:
        noise = widgets.slider("Logit noise", 0.0, 3.0, 1.0, step=0.1, key="pix_noise")
    b1, b2, b3 = st.columns([2, 2, 1.4])
    with b1:
        weight_mode = widgets.radio("Class weights", list(WEIGHT_MODES), key="pix_weights")
        rare_label = widgets.select_slider(
            "w of the rare class",
            RARE_WEIGHTS,
            value="1",
            key="pix_rare_w",
            disabled=weight_mode != WEIGHT_MODES[0],
        )
    with b2:
        border = widgets.slider(
            f"Ignored border width k (pixels; {SIZE // 2} ignores all)",
            0,
            SIZE // 2,
            0,
            key="pix_border",
        )
        smoothing = widgets.slider(
            "Label smoothing", 0.0, 1.0, 0.0, step=0.05, key="pix_smooth"
        )
    with b3:
        ignore_label = widgets.selectbox(
            "ignore_index value", list(IGNORE_VALUES), key="pix_ignore"
        )
    ignore_index = IGNORE_VALUES.get(ignore_label, -100)
    rare_weight = float(rare_label)

    state = None
    with explain_errors("These settings"):
        state = lesson_state(
            n_classes, seed, confidence, noise, weight_mode, rare_weight, border, smoothing, ignore_index
        )

    if state is not None:
        example, weight, result, plain = (state[k] for k in ("example", "weight", "result", "plain"))
        names = example.names
        rare = example.rare_class
        rare_name = names[rare]
        defined = state["defined"]
        weighted = state["weighted"]

        # ----------------------------------------------------------------------------------------
        st.header("1. One cross-entropy per pixel")
        fig_masks = masks_figure_for(n_classes, seed, confidence, noise, border)
        chart(fig_masks, key="pix_fig_masks")
        export_buttons(
            fig_masks,
            name="segmentation-masks",
            key="pix_exp_masks",
            table=lambda: sg.pixel_table(result, names),
        )
        fig_map = state["fig_map"]
        chart(fig_map, key="pix_fig_map")
        export_buttons(
            fig_map,
            name="segmentation-loss-map",
            key="pix_exp_map",
            table=lambda: sg.pixel_table(result, names),
        )

        m1, m2, m3, m4 = st.columns(4)
        m1.metric('mean loss (reduction="mean")', fmt(result.mean))
        m2.metric(
            RATIO_LABEL,
            fmt(result.total / result.denominator) if result.denominator > 0 else "0 / 0",
        )
        m3.metric("pixels in the loss", f"{result.n_valid} of {result.n_pixels}")
        m4.metric("pixel accuracy (argmax)", pct(result.pixel_accuracy))

        if not defined:
            reason = (
                f"every pixel is ignored (border k = {border} covers the {SIZE}×{SIZE} image)"
                if result.n_valid == 0
                else "the weights of all the pixels that count add up to 0"
            )
            st.warning(
                f"The mean loss is undefined here: {reason}, so the mean is 0 / 0. lossviz returns NaN, as PyTorch's "
                "F.cross_entropy does (and its gradient is 0 everywhere). A training step on such a batch would "
                "get a NaN loss. The per-pixel map "
                "is all zeros and the sum is 0.",
                icon=":material/info:",
            )
        else:
            hottest = float(result.loss_map[result.valid].max())
            rare_pixels = int(result.class_pixels[rare])
            edges, wrong = state["edges"], state["wrong"]
            if not weighted and result.n_valid == result.n_pixels:
                identity = (
                    f"With no weights and no ignored pixels the mean is the plain mean of the map: "
                    f"Σ ℓ_i / {result.n_pixels} = {result.total:.4f} / {result.n_pixels} = **{result.mean:.4f}**, and "
                    f"the map's own mean is {result.map_mean:.4f}."
                )
            elif not weighted:
                identity = (
                    f"Ignored pixels have ℓ = 0 and leave the denominator: the mean is Σ ℓ_i / {result.n_valid} valid "
                    f"pixels = {result.total:.4f} / {result.n_valid} = **{result.mean:.4f}**, the mean of the map over "
                    f"the valid pixels ({result.valid_map_mean:.4f}). Averaging the whole map, zeros included, would give "
                    f"{result.map_mean:.4f}."
                )
            else:
                identity = (
                    f"With class weights {weights_text(weight)} each ℓ_i already carries the weight of its class, and the mean divides by "
                    f"the weights, not by the pixel count: {RATIO_TEX} = {result.total:.4f} / {result.denominator:.4f} "
                    f"= **{result.mean:.4f}** (a weighted mean). The plain mean of the valid part of the map would be "
                    f"{result.valid_map_mean:.4f}."
                )
            explain(
                f"{identity} The largest per-pixel loss is {hottest:.3g}. The {edges.n_pixels} pixels on the shapes' "
                f"outlines ({pct(edges.pixel_share)} of the counted pixels), where the model's logits are blurred between "
                f"two classes, carry {pct(edges.loss_share)} of the loss; the {wrong.n_pixels} misclassified pixels "
                f"({pct(wrong.pixel_share)}) carry {pct(wrong.loss_share)}. The {rare_name} has "
                f"{rare_pixels} pixels in the loss, {pct(result.class_pixel_share[rare])} of them."
            )

        weight_arg = "None" if not weighted else weights_text(weight)
        explain(
            '**The seed\'s answer, checked.** The thread answers that the "softmax loss" is a cross-entropy that '
            "combines the softmax and the loss for numerical stability. Right: it is this call, in lossviz and in "
            "PyTorch (logits (1, C, H, W), target (1, H, W) of int64 class indices):"
        )
        st.code(
            "import lossviz\n"
            f"loss = lossviz.cross_entropy(logits, target, axis=1, weight={weight_arg},\n"
            f"                             ignore_index={ignore_index}, label_smoothing={smoothing:g})\n"
            f'# = {fmt(result.mean, 6)} for this image; reduction="none" returns the loss map above\n\n'
            "import torch\nimport torch.nn.functional as F\n"
            "loss = F.cross_entropy(logits, target, "
            + ("" if not weighted else f"weight=torch.tensor({weight_arg}), ")
            + f"ignore_index={ignore_index}, label_smoothing={smoothing:g})\n"
            f"# the same number: {fmt(result.mean, 6)}",
            language="python",
        )
        naive = state["naive"]
        if naive.n_valid:
            explain(
                f'**"For numerical stability", checked.** Multiply these logits by 1000 (a very confident network). '
                f"Softmax first, then log, computed naively: exp overflows and {naive.n_nonfinite} of the "
                f"{naive.n_valid} pixels get a NaN or infinite loss ({naive.n_nan} NaN, {naive.n_inf} inf), so the mean "
                f"is {fmt(naive.naive_mean)}. cross_entropy computes log Σ e^z − z_y with the maximum shifted out and "
                f"returns {fmt(naive.stable_mean)}. That is why PyTorch's loss takes logits, not probabilities."
            )

        # ----------------------------------------------------------------------------------------
        st.header("2. Class weights, ignored pixels, label smoothing")
        sweep = state["sweep"]
        at_one, at_ten = (
            float(sweep.mean[SWEEP.index(1.0)]),
            float(sweep.mean[SWEEP.index(PREDICT_WEIGHT)]),
        )
        if defined and sweep.n_rare and not math.isnan(at_ten) and not math.isnan(at_one):
            direction = (
                "up" if at_ten > at_one else "down" if at_ten < at_one else "nowhere"
            )
            explanation = (
                "The weighted mean divides by the sum of the pixels' weights, so it is a weighted average of per-pixel "
                f"losses; a larger w moves it toward the rare pixels' own mean loss. Here, with your other settings, it "
                f"goes {direction}: {at_one:.4f} at w = 1, {at_ten:.4f} at w = 10, because the {sweep.n_rare} rare pixels "
                f"average {fmt(sweep.rare_mean)} against {fmt(sweep.other_mean)} for the other {sweep.n_other}."
            )
            if sweep.label_smoothing:
                explanation += (
                    " With label smoothing on, PyTorch also weights every pixel's smoothing term by the class weights, "
                    "so w changes the other pixels' losses too and the mean can even pass the rare pixels' mean."
                )
            else:
                explanation += (
                    " It can approach, never pass, the rare pixels' mean however large w gets. A sum-reduced loss would "
                    "simply grow, by 9× the rare pixels' summed loss."
                )
        elif defined:
            explanation = (
                "Here the rare class has no pixel in the loss (the ignored border covers it), so its weight changes "
                "nothing. With rare pixels in the loss, the weighted mean moves toward their own mean loss as w grows: "
                "up if they are harder than the rest, down if easier."
            )
        else:
            explanation = (
                "With these settings the mean is undefined (no pixel counts), at any weight. With pixels in the loss the "
                "weighted mean moves toward the rare pixels' own mean loss as w grows: up if they are harder than the "
                "rest, down if easier."
            )
        predict_section(explanation)

        if defined:
            fig_shares = state["fig_shares"]
            chart(fig_shares, key="pix_fig_shares")
            export_buttons(
                fig_shares, name="segmentation-class-shares", key="pix_exp_shares"
            )
            explain(
                f"The {rare_name} is {pct(result.class_pixel_share[rare])} of the pixels and carries "
                f"{pct(plain.class_loss_share[rare])} of the unweighted loss"
                + (
                    f"; with your weights it carries **{pct(result.class_loss_share[rare])}**."
                    if weighted
                    else ". Give it a weight (or pick inverse frequency) to see its share grow."
                )
                + (
                    f" Inverse frequency sets w_c = N / (K·n_c) (N pixels, K classes, n_c of class c) = "
                    f"{weights_text(weight)}: every class then carries the same total weight, and the weights of the "
                    f"image's {SIZE * SIZE} pixels add up to {SIZE * SIZE}."
                    if weight_mode == WEIGHT_MODES[1]
                    else ""
                )
            )

            fig_sweep = state["fig_sweep"]
            chart(fig_sweep, key="pix_fig_sweep")
            export_buttons(
                fig_sweep, name="segmentation-rare-weight-sweep", key="pix_exp_sweep"
            )

        notes = []
        if border:
            notes.append(
                f"The border of width {border} is marked {ignore_index} in the target: its "
                f"{result.n_pixels - result.n_valid} pixels get loss 0 and leave the denominator (hatched in the maps). "
                "PyTorch's default is −100; segmentation data sets often use 255 for unlabelled pixels, so pass "
                "ignore_index=255 for them, or the loss raises an out-of-range class index."
            )
        if smoothing:
            notes.append(
                f"Label smoothing {smoothing:g} replaces each one-hot target by (1 − {smoothing:g})·one-hot + "
                f"{smoothing:g}/{n_classes}: even a confident, correct pixel keeps a loss, so the map has a floor and the "
                f"mean rises (here {fmt(result.mean)})."
            )
        if notes:
            explain("\n\n".join(notes))

        # ----------------------------------------------------------------------------------------
        st.header("3. Weights change what training optimises, not the prediction")
        explain(
            "The arg-max above is the same under any weights: weights change the loss, not the logits. They act "
            "through training. The smallest training there is: fit one bias per class, added to these logits, by "
            "minimising the mean loss (a convex problem in C numbers), once with all weights 1 and once with your "
            "weights."
        )
        fit_plain, fit_weighted = state["fit_plain"], state["fit_weighted"]
        if fit_plain.success or fit_weighted.success:
            fig_fit = state["fig_fit"]
            chart(fig_fit, key="pix_fig_fit")
            export_buttons(fig_fit, name="segmentation-bias-refit", key="pix_exp_fit")
            scores = state["scores"]
            s_raw, s_plain, s_weighted = scores["raw"], scores["fit_plain"], scores["fit_weighted"]
            lines = [
                (
                    f"For the {rare_name}: the model as given finds it with recall {fmt(s_raw.recall, 3)} and precision "
                    f"{fmt(s_raw.precision, 3)}. Fitting the biases with all weights 1 gives recall {fmt(s_plain.recall, 3)} "
                    f"and precision {fmt(s_plain.precision, 3)}: the unweighted mean is dominated by the "
                    f"{pct(1 - result.class_pixel_share[rare])} of pixels that are not rare, so the fit lowers the rare "
                    f"class's bias to {fit_plain.bias[rare]:+.3g} and gives up on most rare pixels."
                )
            ]
            if weighted:
                lines.append(
                    f"Fitted with your weights {weights_text(weight)}: recall **{fmt(s_weighted.recall, 3)}**, precision "
                    f"**{fmt(s_weighted.precision, 3)}**, rare-class bias {fit_weighted.bias[rare]:+.3g}. "
                    + (
                        "A larger weight makes a missed rare pixel cost more, so the fit raises the rare class's bias: "
                        "more rare pixels are found, and more other pixels are wrongly called rare."
                        if fit_weighted.bias[rare] > fit_plain.bias[rare]
                        else "Your weights do not raise the rare class's bias, so they find no more of it."
                    )
                )
            else:
                lines.append(
                    f"With all weights 1 the two fits are the same. Set w = {PREDICT_WEIGHT:g} or pick inverse frequency "
                    "to see the weighted fit move."
                )
            if (
                s_raw.precision != s_raw.precision
                or s_plain.precision != s_plain.precision
                or (s_weighted.precision != s_weighted.precision)
            ):
                lines.append("(A NaN precision means no pixel was predicted rare.)")
            explain(" ".join(lines))
            if not fit_weighted.success:
                st.caption(
                    "The weighted fit did not converge: a class with weight 0 has no finite best bias (its bias keeps "
                    "falling), so the optimiser stopped after its step limit."
                )
        else:
            st.info(
                "No pixel counts in the loss, so there is nothing to fit.",
                icon=":material/info:",
            )


lesson_sections()

next_lesson_link(SLUG)
