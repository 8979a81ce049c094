#include "include/lockstep_tflite.h"
