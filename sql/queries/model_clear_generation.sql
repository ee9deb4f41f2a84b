-- model_clear_generation: at the start of a publishing run's read, on the model's connection, in a transaction of its own: the generation the model will go to emptied ahead (sql/012); false when another session holds it (not waited for)
SELECT itemdup.model_clear_generation()
