"""Every user-facing text: Fluent files, one folder per language (ru/, en/).

A package only so that the texts are installed with the code and found with importlib.resources.
"""
