"""Lesson: focal loss, FL = −α_t·(1 − p_t)^γ·log p_t (torchvision's sigmoid_focal_loss).

Curves of the loss, the modulating factor and the logit gradient over p_t for several γ, with
the learner's γ, α and example; torchvision's α convention (α weights the positives); then
logistic regression on the imbalanced toy set trained with cross-entropy and with focal loss:
what share of the loss and gradient the easy points carry, the rare class's precision and
recall, and the decision boundaries. Every number is computed by lossviz.focal.
"""

import math

import streamlit as st

from lossviz import focal as fc
from lossviz.figures import focal as figs
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

SLUG = "focal-loss"
LABELS = {"positive, y = 1": 1, "negative, y = 0": 0}
REPEATS = ["1", "10", "100", "1000", "10000", "100000"]
REPEAT_GRID = tuple(10.0 ** (k / 4) for k in range(21))

curves_for = cached(fc.focal_curves)
point_for = cached(fc.focal_point)
run_for = cached(fc.train_imbalanced, max_entries=32)
GRID = fc.p_t_grid()


def pct(x: float) -> str:
    """A share as a percentage with 3 significant digits ("undefined" for NaN)."""
    return "undefined" if math.isnan(x) else f"{100 * x:.3g} %"


def num(x: float) -> str:
    return "undefined" if math.isnan(x) else f"{x:.2f}"


def labelled_runs(gamma: float, alpha: float, alpha_value: float, ce_run, focal_run, plain_run):
    """The focal run's legend label, and the (label, run) pairs the section-2 figures compare."""
    focal_label = f"focal, γ = {gamma:g}, " + ("no α" if alpha < 0 else f"α = {alpha_value:g}")
    runs = [("cross-entropy", ce_run), (focal_label, focal_run)]
    if plain_run is not None:
        runs.append((f"focal, γ = {gamma:g}, no α", plain_run))
    return focal_label, runs


# The section-2 figures that m does not change, shared read-only per (γ, α, seed): moving m, or
# coming back to a setting, sends them without rebuilding them.
@shared_figures(max_entries=32)
def run_figures(gamma: float, alpha: float, alpha_value: float, seed: int):
    ce_run = run_for("bce", seed=seed)
    focal_run = run_for("focal", alpha=alpha, gamma=gamma, seed=seed)
    plain_run = run_for("focal", alpha=-1.0, gamma=gamma, seed=seed) if alpha >= 0 else None
    _, runs = labelled_runs(gamma, alpha, alpha_value, ce_run, focal_run, plain_run)
    return (
        figs.easy_share_figure(runs[:2], title="Easy points' share, per epoch"),
        figs.minority_metrics_figure(runs, title="The rare class after training"),
        figs.boundaries_figure(runs, title="Decision boundaries, P(y = 1) = 0.5"),
    )


lesson_header(
    SLUG,
    "Focal loss multiplies cross-entropy by (1 − p_t)^γ. How much does that take away from easy examples, "
    "what do γ and α actually do, and does it help the rare class on imbalanced data?",
)

st.latex(r"\mathrm{FL}(p_t) = -\,\alpha_t\,(1-p_t)^{\gamma}\,\log p_t")
case_p, case_alpha = st.columns(2)
case_p.latex(r"p_t = \begin{cases} \sigma(z) & y = 1\\ 1-\sigma(z) & y = 0\end{cases}")
case_alpha.latex(
    r"\alpha_t = \begin{cases} \alpha & y = 1\\ 1-\alpha & y = 0\end{cases}"
)
explain(
    "p_t is the probability the model gives the **right** class, so an easy example has p_t near 1. "
    "γ = 0 with no α is plain cross-entropy, −log p_t. This is `torchvision.ops.sigmoid_focal_loss` "
    "(α < 0 switches the α weighting off)."
)

# The prediction reads no widget: picking an answer reruns only this fragment.
@fragment
def predict_section() -> None:
    fixed = point_for(0.9, alpha=-1.0, gamma=2.0, label=1)
    predict_then_reveal(
        "With γ = 2, an easy example at p_t = 0.9: what fraction of its cross-entropy loss remains (before α)?",
        ["90 %", "10 %", "1 %", "0.1 %"],
        key="focal_predict",
        answer="1 %",
        explanation=(
            f"(1 − 0.9)² = {fixed.modulating:.4g}, so {fixed.focal:.4g} of its {fixed.ce:.4g} remains: "
            f"{pct(fixed.loss_ratio)}. With torchvision's default α = 0.25 it is multiplied once more by α_t: "
            f"{pct(fixed.loss_ratio * fc.alpha_t(0.25, 1))} for a positive, "
            f"{pct(fixed.loss_ratio * fc.alpha_t(0.25, 0))} for a negative."
        ),
    )


predict_section()

@fragment
def example_section(gamma: float, alpha: float, alpha_value: float, gammas: tuple) -> None:
    e1, e2 = st.columns(2)
    with e1:
        label_name = widgets.radio(
            "Your example is a", list(LABELS), key="focal_label", horizontal=True
        )
    with e2:
        p_t = widgets.slider(
            "Its p_t, the probability of its right class",
            0.01,
            0.99,
            0.6,
            step=0.01,
            key="focal_pt",
        )
    label = LABELS.get(label_name, 1)

    point = curves = None
    with explain_errors("These settings"):
        point = point_for(p_t, alpha=alpha, gamma=gamma, label=label)
        curves = curves_for(GRID, gammas, alpha=alpha, label=label)

    if point is not None and curves is not None:
        m1, m2, m3, m4 = st.columns(4)
        m1.metric("cross-entropy −log p_t", f"{point.ce:.4g}")
        m2.metric("focal loss", f"{point.focal:.4g}")
        m3.metric("focal / cross-entropy", pct(point.loss_ratio))
        m4.metric("gradient ratio ∂FL/∂z ÷ ∂CE/∂z", f"{point.grad_ratio:.3g}×")

        alpha_text = (
            "no α weighting (α_t = 1)"
            if alpha < 0
            else f"α_t = {point.alpha_t:g} ({'α' if label == 1 else '1 − α'} for a {'positive' if label == 1 else 'negative'})"
        )
        grad_note = (
            f", more than the loss ratio ({pct(point.loss_ratio)}): the derivative of the modulating factor adds a "
            "term γ·p_t·(−log p_t)·(1 − p_t)^(γ−1) to the push, which the loss ratio does not show."
            if point.grad_ratio > point.loss_ratio
            else ", the same ratio as the loss: with γ = 0 there is no modulating factor to differentiate."
            if gamma == 0
            else ": α_t = 0 removes the gradient as well as the loss."
        )
        explain(
            f"At p_t = {p_t:.2f} (logit z = {point.z:+.3g}) with γ = {gamma:g} and {alpha_text}: the focal loss is "
            f"α_t·(1 − p_t)^γ = {point.alpha_t:g} × {point.modulating:.4g} = **{pct(point.loss_ratio)} of the "
            f"cross-entropy** ({point.focal:.4g} instead of {point.ce:.4g}). The push on the logit, "
            f"|∂FL/∂z| = {abs(point.focal_grad):.4g}, is {point.grad_ratio:.3g}× cross-entropy's "
            f"|∂CE/∂z| = 1 − p_t = {abs(point.ce_grad):.4g}" + grad_note
        )
        if point.grad_ratio > 1:
            st.info(
                f"Here the focal gradient is {point.grad_ratio:.3g}× cross-entropy's although the focal loss is only "
                f"{pct(point.loss_ratio)} of it: on a hard example the modulating factor's own derivative adds to the push. "
                "Focal loss is never larger than α_t·CE, but its gradient can be larger than CE's.",
                icon=":material/info:",
            )
        if alpha >= 0 and point.alpha_t == 0:
            st.warning(
                f"α = {alpha_value:g} gives this {'positive' if label == 1 else 'negative'} example α_t = 0: its loss "
                "and gradient are exactly 0, whatever p_t. Every example of its class is ignored by training.",
                icon=":material/warning:",
            )

        fig_loss = figs.focal_loss_figure(
            curves,
            gamma=gamma,
            point=point,
            title=f"Focal loss against p_t ({'no α' if alpha < 0 else f'α_t = {point.alpha_t:g}'})",
        )
        chart(fig_loss, key="focal_fig_loss", alt=f"At p_t = {p_t:.2f}, γ = {gamma:g}: focal loss {point.focal:.4g}, cross-entropy {point.ce:.4g}.")
        export_buttons(fig_loss, name="focal-loss-curves", key="focal_exp_loss")

        fig_mod = figs.modulating_figure(
            curves, gamma=gamma, point=point, title="Modulating factor (1 − p_t)^γ"
        )
        chart(fig_mod, key="focal_fig_mod")
        export_buttons(fig_mod, name="focal-modulating-factor", key="focal_exp_mod")
        fig_grad = figs.focal_gradient_figure(
            curves, gamma=gamma, point=point, title="Push on the logit |∂loss/∂z|"
        )
        chart(fig_grad, key="focal_fig_grad", alt=f"At p_t = {p_t:.2f}, γ = {gamma:g}: |∂FL/∂z| = {abs(point.focal_grad):.4g}, |∂CE/∂z| = {abs(point.ce_grad):.4g}.")
        export_buttons(fig_grad, name="focal-gradient", key="focal_exp_grad")
        easy, hard = (
            point_for(0.9, alpha=-1.0, gamma=gamma, label=1),
            point_for(0.1, alpha=-1.0, gamma=gamma, label=1),
        )
        explain(
            f"With γ = {gamma:g}, an easy example (p_t = 0.9) keeps {pct(easy.loss_ratio)} of its cross-entropy and a "
            f"hard one (p_t = 0.1) keeps {pct(hard.loss_ratio)}, before α. Cross-entropy already gives the easy one "
            f"{easy.ce / hard.ce:.3g}× the hard one's loss; focal loss makes that {easy.focal / hard.focal:.3g}×."
            if gamma > 0
            else "With γ = 0 the modulating factor is 1 everywhere: this is (α-weighted) cross-entropy. Raise γ to "
            "see the easy end of the curves flatten."
        )


# The data set seed and m drive this section only: moving them reruns this fragment, not the page.
@fragment
def training_section(gamma: float, alpha: float, alpha_value: float) -> None:
    s1, s2 = st.columns(2)
    with s1:
        seed = widgets.slider("Data set seed", 0, 9, 0, key="focal_seed")
    with s2:
        repeat_label = widgets.select_slider(
            "Multiply the easy points by m (a dense detector's background)",
            REPEATS,
            value="1000",
            key="focal_repeat",
        )
    repeat = float(repeat_label)

    ce_run = focal_run = plain_run = None
    with explain_errors("This training run"):
        ce_run = run_for("bce", seed=seed)
        focal_run = run_for("focal", alpha=alpha, gamma=gamma, seed=seed)
        if alpha >= 0:
            plain_run = run_for("focal", alpha=-1.0, gamma=gamma, seed=seed)

    if ce_run is not None and focal_run is not None:
        focal_label, _ = labelled_runs(gamma, alpha, alpha_value, ce_run, focal_run, plain_run)
        n_pos = ce_run.n_positives
        n = ce_run.y.size

        same_ce = fc.loss_shares(ce_run.final_logits, ce_run.y, loss="bce")
        same_fl = fc.loss_shares(
            ce_run.final_logits, ce_run.y, loss="focal", alpha=alpha, gamma=gamma
        )
        fig_share, fig_metrics, fig_bound = run_figures(gamma, alpha, alpha_value, seed)
        chart(fig_share, key="focal_fig_share")
        export_buttons(fig_share, name="focal-easy-share", key="focal_exp_share")
        explain(
            f"At the end, the cross-entropy model has **{same_ce.n_easy} easy points** of {n} "
            f"({same_ce.n_easy_negatives} of them negatives); they carry **{pct(ce_run.loss_share[-1])} of its loss** "
            f"and {pct(ce_run.grad_share[-1])} of its total |∂ℓ/∂z|. The focal model has "
            f"{int(focal_run.easy_count[-1])} easy points carrying **{pct(focal_run.loss_share[-1])} of the "
            f"focal loss** and {pct(focal_run.grad_share[-1])} of its |∂ℓ/∂z|."
        )

        ce_rep = fc.replicated_share(same_ce.easy_loss, same_ce.hard_loss, REPEAT_GRID)
        fl_rep = fc.replicated_share(same_fl.easy_loss, same_fl.hard_loss, REPEAT_GRID)
        ce_at = fc.replicated_share(same_ce.easy_loss, same_ce.hard_loss, repeat)
        fl_at = fc.replicated_share(same_fl.easy_loss, same_fl.hard_loss, repeat)
        fig_rep = figs.replication_figure(
            REPEAT_GRID,
            ce_rep,
            fl_rep,
            current=(repeat, ce_at, fl_at),
            title="Easy points multiplied by m",
        )
        chart(fig_rep, key="focal_fig_repeat")
        export_buttons(fig_rep, name="focal-easy-share-multiplied", key="focal_exp_repeat")
        explain(
            f"Scored on the **same predictions** (the cross-entropy model's), the {same_ce.n_easy} easy points carry "
            f"{pct(same_ce.loss_share)} of the cross-entropy but only {pct(same_fl.loss_share)} of the focal loss. "
            f"On 400 points easy examples do not dominate cross-entropy; in a dense detector, which scores ~10⁵ "
            f"candidate boxes per image, nearly all easy background, they do. With every easy point repeated "
            f"m = {repeat:g} times they would carry **{pct(ce_at)} of the cross-entropy** and **{pct(fl_at)} of the "
            f"focal loss**: that is the regime focal loss was designed for (Lin et al., 2017, RetinaNet)."
        )

        chart(fig_metrics, key="focal_fig_metrics")
        export_buttons(fig_metrics, name="focal-minority-metrics", key="focal_exp_metrics")

        def describe(run) -> str:
            return (
                f"recall {num(run.recall)} ({run.true_positives} of {n_pos} positives found), precision "
                f"{num(run.precision)} ({run.predicted_positives} predicted positive)"
            )

        verdict = (
            "**raises**"
            if focal_run.recall > ce_run.recall
            else "**lowers**"
            if focal_run.recall < ce_run.recall
            else "**does not change**"
        )
        lines = [
            f"- cross-entropy: {describe(ce_run)};",
            f"- {focal_label}: {describe(focal_run)};",
        ]
        if plain_run is not None:
            lines.append(f"- focal, γ = {gamma:g}, no α: {describe(plain_run)}.")
        explain(
            f"On this toy set, focal loss at your settings {verdict} the rare class's recall "
            f"({num(ce_run.recall)} → {num(focal_run.recall)}).\n\n" + "\n".join(lines)
        )
        notes = []
        if plain_run is not None:
            gamma_effect = plain_run.recall - ce_run.recall
            alpha_effect = focal_run.recall - plain_run.recall
            notes.append(
                f"Split in two: the modulating factor alone (γ = {gamma:g}, no α) changes recall by {gamma_effect:+.2f}; "
                f"α = {alpha_value:g} then changes it by {alpha_effect:+.2f}"
                + (
                    f", because it weights positives by {fc.alpha_t(alpha, 1):g} and negatives by {fc.alpha_t(alpha, 0):g}."
                    if alpha != 0.5
                    else " (α = 0.5 weights both classes by 0.5, the same as no α up to a factor)."
                )
            )
        if focal_run.recall <= ce_run.recall:
            notes.append(
                "Focal loss is not a fix for imbalance on every data set: on a few hundred points with a simple "
                "linear boundary, cross-entropy is not swamped by easy negatives (see the share above). It matters most with extreme imbalance and a huge number of easy negatives, as in dense "
                "object detection."
            )
        if notes:
            explain(" ".join(notes))

        if alpha >= 0 and not 0.25 <= alpha_value <= 0.9:
            st.caption(
                f"α = {alpha_value:g} is far from 0.5, which slows gradient descent down: after 300 epochs a few points "
                "near the boundary may still be about to change side (α = 0 or 1 has no optimum at all, one class "
                "carries no loss). The numbers above are those after 300 epochs."
            )

        chart(fig_bound, key="focal_fig_bounds")
        export_buttons(fig_bound, name="focal-decision-boundaries", key="focal_exp_bounds")
        st.caption(
            "A boundary further into the negatives (the grey cloud) predicts more positives: higher recall, lower "
            "precision. The boundaries are where each model's P(y = 1) crosses 0.5."
        )


# γ and α drive sections 1 and 2 (the example, the α note and the training run): one fragment,
# so a change reruns these sections, not the page around them.
@fragment
def gamma_sections() -> None:
    # --------------------------------------------------------------------------------------------
    st.header("1. What (1 − p_t)^γ does to the loss and the gradient")
    # The example's label and p_t drive section 1 only and sit inside its own (nested) fragment.
    c1, c2 = st.columns(2)
    with c1:
        gamma = widgets.slider(
            "Focusing parameter γ", 0.0, 5.0, 2.0, step=0.1, key="focal_gamma"
        )
    with c2:
        use_alpha = widgets.toggle(
            "Use the α weight (off = torchvision's α < 0)", value=True, key="focal_alpha_on"
        )
        alpha_value = widgets.slider(
            "α (the weight of positives; negatives get 1 − α)",
            0.0,
            1.0,
            0.25,
            step=0.05,
            key="focal_alpha",
            disabled=not use_alpha,
        )
    alpha = alpha_value if use_alpha else -1.0
    gammas = (
        fc.DEFAULT_GAMMAS if gamma in fc.DEFAULT_GAMMAS else (*fc.DEFAULT_GAMMAS, gamma)
    )
    example_section(gamma, alpha, alpha_value, gammas)

    st.subheader("Which class does α weight?")
    pos, neg = fc.alpha_t(0.25, 1), fc.alpha_t(0.25, 0)
    explain(
        f"In torchvision (and in Lin et al., 2017) α_t = α for positives (y = 1) and 1 − α for negatives. The default "
        f"α = 0.25 therefore weights a positive by **{pos:g}** and a negative by **{neg:g}**: it *down*-weights the "
        f"positives, usually the rare class, {neg / pos:g} to 1. It is not a class-frequency weight. The paper "
        "reports α = 0.25 working best together with γ = 2 (its Table 1), noting that lower α suits higher γ: once "
        "the easy negatives are down-weighted, less emphasis needs to be placed on the positives. Section 2 shows "
        "what α does on a toy set."
    )
    if alpha >= 0:
        st.caption(
            f"Your α = {alpha_value:g}: positives × {fc.alpha_t(alpha, 1):g}, negatives × {fc.alpha_t(alpha, 0):g}."
        )
    else:
        st.caption("Your α weighting is off: positives and negatives both × 1.")

    # --------------------------------------------------------------------------------------------
    st.header("2. Cross-entropy vs focal loss on imbalanced data")
    explain(
        "Logistic regression, full-batch gradient descent (learning rate 2, 300 epochs) on the *imbalanced* toy set: "
        "400 points, 5 % positives. One model is trained with cross-entropy, one with focal loss at your γ and α. "
        "A point is **easy** when its p_t > 0.9."
    )
    training_section(gamma, alpha, alpha_value)


gamma_sections()

next_lesson_link(SLUG)
