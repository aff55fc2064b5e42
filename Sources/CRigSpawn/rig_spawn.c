#include "rig_spawn.h"
