"""Views of registration, one module per area; each module lists its ``urls``."""
