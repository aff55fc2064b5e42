#ifndef RIG_SPAWN_H
#define RIG_SPAWN_H
#endif
