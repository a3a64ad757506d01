// placeholder until binding is written
