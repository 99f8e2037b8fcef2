<?php
// hit-counter.php - the PHP shmop hit counter, on a racelab segment.
//
//   php hit-counter.php KEY [N]     KEY as ipcs prints it (0x...) or decimal
//
// What a page did on every request: open the segment by key, read the
// 8-byte native-endian counter at offset 0, add one, write it back. No lock:
// racelab's lock (semaphore, mutex, lock file) is invisible to it.
$arg = $argv[1] ?? exit("usage: php hit-counter.php KEY [N]\n");
$key = stripos($arg, "0x") === 0 ? hexdec(substr($arg, 2)) : (int)$arg;
$n = (int)($argv[2] ?? 1);

$shm = @shmop_open($key, "w", 0, 0);      // "w": open read-write, never create
if ($shm === false)
	exit("no segment with key $arg\n");
for ($i = 0; $i < $n; $i++) {
	$count = unpack("Q", shmop_read($shm, 0, 8))[1];  // Q: native uint64
	shmop_write($shm, pack("Q", $count + 1), 0);
}
printf("counter is now %d\n", unpack("Q", shmop_read($shm, 0, 8))[1]);
