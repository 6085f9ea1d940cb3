"""Process infrastructure every layer may use: where tracebacks and logs go.

It sits at the bottom of the layers beside ``studio.domain`` (which holds only frozen values and
rules): configuring logging handlers and files is plumbing, not part of the model. Stdlib only.
"""
