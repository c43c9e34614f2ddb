"""The workshop web app behind `make app`: Voila serving the strategy lab to a room."""
