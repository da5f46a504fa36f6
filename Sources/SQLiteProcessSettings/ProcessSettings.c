#include <pthread.h>
#include <sqlite3.h>

#include "SQLiteProcessSettings.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int result = SQLITE_MISUSE;

static void turnOff(void) {
    result = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int stepd_sqlite_turn_off_memory_statistics(void) {
    pthread_once(&once, turnOff);
    return result;
}
