<?php
// hit-counter.php - the PHP shmop hit counter, on a racelab segment.
//
//   php hit-counter.php KEY [N [LOCKFILE]]   KEY as ipcs prints it, or decimal
//
// What a page did on every request: open the segment by key, read the
// 8-byte native-endian counter at offset 0, add one, write it back.
// Without LOCKFILE there is no lock: racelab's lock is invisible to it.
// With LOCKFILE (a flock segment's FILE.lock) it takes flock(LOCK_EX)
// around each read-add-write, as racelab's incr does, and loses nothing.
function fail($why)
{
	fwrite(STDERR, "hit-counter.php: $why\n");
	exit(1);
}

$arg = $argv[1] ?? fail("usage: php hit-counter.php KEY [N [LOCKFILE]]");
$key = stripos($arg, "0x") === 0 ? hexdec(substr($arg, 2)) : (int)$arg;
$n = (int)($argv[2] ?? 1);
$lock = null;
if (isset($argv[3]) && (is_link($argv[3]) || !($lock = fopen($argv[3], "r"))))
	fail("cannot open lock file $argv[3]");

$shm = @shmop_open($key, "w", 0, 0);      // "w": open read-write, never create
if ($shm === false)
	fail("no segment with key $arg");
for ($i = 0; $i < $n; $i++) {
	if ($lock)
		flock($lock, LOCK_EX);
	$count = unpack("Q", shmop_read($shm, 0, 8))[1];  // Q: native uint64
	shmop_write($shm, pack("Q", $count + 1), 0);
	if ($lock)
		flock($lock, LOCK_UN);
}
printf("counter is now %d\n", unpack("Q", shmop_read($shm, 0, 8))[1]);
