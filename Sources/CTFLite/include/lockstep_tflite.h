/* Placeholder: the C API of the TFLite shim goes here. */
