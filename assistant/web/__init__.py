"""The Gradio web app (`hrqa serve`): app wiring, views (markup), support (I/O), auth, the recommendations tab.

Only this package imports gradio, and only inside functions.
"""
