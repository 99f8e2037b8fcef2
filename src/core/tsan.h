/*
 * tsan.h - telling ThreadSanitizer about locks it cannot see.
 *
 * ThreadSanitizer knows that a pthread mutex or a C11 atomic orders memory
 * between threads, but not that a semop() or a flock() does: to TSan, two
 * threads taking turns through a kernel lock look like a data race. A
 * strategy whose lock is a system call tells TSan the truth with these:
 * TSAN_ACQUIRE(lock) right after the lock is taken, TSAN_RELEASE(lock)
 * right before it is given back. They compile to nothing outside TSan
 * builds (make tsan). Never use them to hide a real race.
 */
#ifndef RACELAB_TSAN_H
#define RACELAB_TSAN_H

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RACELAB_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) && !defined(RACELAB_TSAN)
#define RACELAB_TSAN 1
#endif
#ifdef RACELAB_TSAN
#include <sanitizer/tsan_interface.h>
#define TSAN_ACQUIRE(addr) __tsan_acquire(addr)
#define TSAN_RELEASE(addr) __tsan_release(addr)
#else
#define TSAN_ACQUIRE(addr) ((void)(addr))
#define TSAN_RELEASE(addr) ((void)(addr))
#endif

#endif
