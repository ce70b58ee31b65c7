"""The Gradio page's parts: rendering, uploads, access, feedback, terms."""
