"""View-models: the state of each workspace, observable, without widgets."""
