"""Reading the user's project: workflow modules (``.py``), ASL files (``.json``, ``.yaml``) and
``REV:path`` from git.

May import the model and the layers below it; never run, review or deploy.
"""
