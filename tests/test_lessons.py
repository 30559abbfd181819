"""Tests for the lesson map that drives the navigation, the home page and the "next lesson" links."""

from __future__ import annotations

import pytest

from lossviz.lessons import HOME, LESSONS, lesson_by_slug, next_lesson


def test_slugs_and_files_are_unique_and_readable():
    slugs = [lesson.slug for lesson in LESSONS]
    assert len(set(slugs)) == len(slugs)
    assert all(slug == slug.lower() and " " not in slug for slug in slugs)
    assert len({lesson.file for lesson in (HOME, *LESSONS)}) == len(LESSONS) + 1


def test_guided_path_starts_at_home_and_visits_every_lesson_once():
    seen, slug = [], HOME.slug
    while (following := next_lesson(slug)) is not None:
        seen.append(following.slug)
        slug = following.slug
    assert seen == [lesson.slug for lesson in LESSONS]


def test_unknown_slug_is_a_clear_error():
    with pytest.raises(ValueError, match=r"slug must name a lesson; got 'nope'"):
        lesson_by_slug("nope")
    with pytest.raises(ValueError, match=r"slug must name a lesson"):
        next_lesson("nope")


def test_no_pages_folder_next_to_app_py():
    """The lesson scripts live in lessons/, never in a folder named pages/ beside app.py.

    Streamlit 1.67 checks once per process whether ``pages/`` exists next to the entry script and,
    if so, runs the process's very first script run as an old-style multipage app: whoever opens a
    deep link first on a fresh server (a restart, a Community Cloud wake-up, a new pod) gets a
    "Page not found" dialog. tests/e2e/test_smoke.py opens that first deep link in Chromium.
    """
    from lossviz.lessons import APP_ROOT

    assert (APP_ROOT / "app.py").is_file()
    assert not (APP_ROOT / "pages").exists(), "a pages/ folder next to app.py brings back 'Page not found'"
    assert all(lesson.file.startswith("lessons/") for lesson in (HOME, *LESSONS))
