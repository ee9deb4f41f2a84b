-- model_take_generation: the generation the model goes to and whether it was truncated (else its rows were deleted: sql/011); deletes the model_runs and model_institutions rows (the new model's replace them)
SELECT generation, truncated FROM itemdup.model_take_generation()
