"""The lesson map: one entry per page, in the order of the guided path.

Plain data (no Streamlit) so that ``app.py`` (navigation), the home page (lesson map), the
"next lesson" links, the page tests and the browser tests all read the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["HOME", "LESSONS", "Lesson", "available_lessons", "lesson_by_slug", "next_lesson"]

APP_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Lesson:
    """One page of the app: its URL path, file under ``lessons/``, navigation section and promise."""

    slug: str
    title: str
    file: str
    section: str
    promise: str
    icon: str


HOME = Lesson(
    slug="",
    title="Start here",
    file="lessons/home.py",
    section="Start",
    promise="What lossviz teaches, the lesson map, and how to share a view.",
    icon=":material/home:",
)

LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "ce-vs-mse",
        "Cross-entropy vs squared error",
        "lessons/ce_vs_mse.py",
        "Binary classification",
        "Why squared error through a sigmoid stops learning exactly when the model is confidently wrong.",
        ":material/show_chart:",
    ),
    Lesson(
        "sigmoid-vs-softmax",
        "One sigmoid vs two softmax neurons",
        "lessons/sigmoid_vs_softmax.py",
        "Binary classification",
        "softmax([z1, z2]) is sigmoid(z1 − z2): the same model, with one redundant direction.",
        ":material/call_split:",
    ),
    Lesson(
        "logits-to-extremes",
        "Why BCE pushes logits to extremes",
        "lessons/logits_to_extremes.py",
        "Binary classification",
        "Watch a training run drive logits to ±∞ on separable data, and what stops it.",
        ":material/animation:",
    ),
    Lesson(
        "softmax-gradients",
        "Categorical CE and softmax gradients",
        "lessons/softmax_gradients.py",
        "Many classes",
        "Only the true class is in the loss, yet every logit gets a gradient p − y.",
        ":material/bar_chart:",
    ),
    Lesson(
        "multilabel-vs-multiclass",
        "Multi-label vs multi-class",
        "lessons/multilabel_vs_multiclass.py",
        "Many classes",
        "Sigmoid + BCE per class or softmax + CE, and the 96 % 'accuracy' trap.",
        ":material/label:",
    ),
    Lesson(
        "pixelwise-softmax",
        "Pixel-wise softmax for segmentation",
        "lessons/pixelwise_softmax.py",
        "Many classes",
        "The same cross-entropy at every pixel: loss maps, class weights, ignore_index.",
        ":material/grid_on:",
    ),
    Lesson(
        "focal-loss",
        "Focal loss",
        "lessons/focal_loss.py",
        "Training in practice",
        "Down-weighting easy examples with (1 − p_t)^γ, and what it does on imbalanced data.",
        ":material/center_focus_strong:",
    ),
    Lesson(
        "loss-vs-metrics",
        "Loss vs accuracy and F1",
        "lessons/loss_vs_metrics.py",
        "Training in practice",
        "Why validation loss can rise while accuracy and F1 improve.",
        ":material/query_stats:",
    ),
    Lesson(
        "numerical-stability",
        "Numerical stability",
        "lessons/numerical_stability.py",
        "Under the hood",
        "Where naive formulas return inf, NaN or 0, and how the libraries avoid it.",
        ":material/warning:",
    ),
    Lesson(
        "likelihood-view",
        "The likelihood view",
        "lessons/likelihood_view.py",
        "Under the hood",
        "BCE, CE and MSE as negative log-likelihoods, and convex vs non-convex loss surfaces.",
        ":material/landscape:",
    ),
    Lesson(
        "your-numbers",
        "Your numbers",
        "lessons/your_numbers.py",
        "Your data",
        "Paste logits or probabilities and labels: every loss, gradient and metric, per sample.",
        ":material/calculate:",
    ),
)


def available_lessons() -> tuple[Lesson, ...]:
    """The lessons whose page file exists, in guided-path order (tests require all of them)."""
    return tuple(lesson for lesson in LESSONS if (APP_ROOT / lesson.file).exists())


def lesson_by_slug(slug: str) -> Lesson:
    """The lesson whose URL path is ``slug`` ("" is the home page)."""
    for lesson in (HOME, *LESSONS):
        if lesson.slug == slug:
            return lesson
    raise ValueError(f"slug must name a lesson; got {slug!r}")


def next_lesson(slug: str) -> Lesson | None:
    """The lesson after ``slug`` on the guided path (the first lesson after the home page)."""
    order = (HOME, *available_lessons())
    for position, lesson in enumerate(order):
        if lesson.slug == slug:
            return order[position + 1] if position + 1 < len(order) else None
    raise ValueError(f"slug must name a lesson; got {slug!r}")
