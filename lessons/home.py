"""Home: what lossviz teaches, the guided path through the lessons, and how to share a view."""

import streamlit as st

from lossviz.lessons import available_lessons
from lossviz.ui import next_lesson_link

st.title("lossviz: how classification losses behave")
st.markdown(
    "Interactive lessons on the questions people actually ask about classification losses: "
    "why cross-entropy and not squared error, why one sigmoid and two softmax neurons are the same "
    "model, why training with binary cross-entropy drives logits to ±∞, how the gradient reaches every "
    "logit through a softmax, when to use sigmoid + BCE or softmax + CE, focal loss, pixel-wise softmax, "
    "why loss and accuracy can disagree, and how the libraries keep it all numerically stable. "
    "Every number is computed with the same formulas as PyTorch and Keras, to float64 precision."
)

st.header("The guided path")
current_section = None
for number, lesson in enumerate(available_lessons(), start=1):
    if lesson.section != current_section:
        current_section = lesson.section
        st.subheader(current_section)
    st.page_link(lesson.file, label=f"{number}. {lesson.title}", icon=lesson.icon)
    st.caption(lesson.promise)

st.header("Share exactly what you see")
st.markdown(
    "Every slider, switch and choice on every page is written into the address bar as you change it "
    "(for example `/focal-loss?focal_gamma=5`). Copy the address, or press **Copy link to this view** at "
    "the top of a lesson, and the link reopens that exact configuration: paste it into course notes or "
    "a chat. A value that no longer fits (say, out of range) falls back to the default instead of failing."
)
st.markdown(
    "Every figure has **Figure as HTML** and **Data as CSV** buttons: the HTML file is a standalone page "
    "(animations included) that works offline, so it can be embedded in course material."
)

next_lesson_link("")
