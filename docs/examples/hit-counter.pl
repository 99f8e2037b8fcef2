#!/usr/bin/perl
# hit-counter.pl - the classic hit counter, in Perl, on a racelab segment.
#
#   perl hit-counter.pl KEY [N [LOCKFILE]]   KEY as ipcs prints it, or decimal
#
# Opens the SysV segment by its key, then N times (default 1) reads the
# 8-byte native-endian counter at offset 0, adds one and writes it back.
# Without LOCKFILE there is no lock: racelab's lock is invisible to it.
# With LOCKFILE (a flock segment's FILE.lock) it takes flock(LOCK_EX)
# around each read-add-write, as racelab's incr does, and loses nothing.
use strict;
use warnings;
use Fcntl qw(:flock O_RDONLY O_NOFOLLOW);

my ($arg, $n, $lockfile) = @ARGV;
die "usage: perl hit-counter.pl KEY [N [LOCKFILE]]\n" unless defined $arg;
my $key = $arg =~ /^0x/i ? hex($arg) : $arg;
$n //= 1;
my $lock;
if (defined $lockfile) {
	sysopen($lock, $lockfile, O_RDONLY | O_NOFOLLOW) or die "$lockfile: $!\n";
}

my $id = shmget($key, 0, 0);              # 0, 0: open, never create
die "no segment with key $arg: $!\n" unless defined $id;
for (1 .. $n) {
	my $buf;
	flock($lock, LOCK_EX) or die "flock: $!\n" if $lock;
	shmread($id, $buf, 0, 8) or die "shmread: $!\n";
	my $count = unpack("Q", $buf);    # Q: native-endian uint64
	shmwrite($id, pack("Q", $count + 1), 0, 8) or die "shmwrite: $!\n";
	flock($lock, LOCK_UN) or die "flock: $!\n" if $lock;
}
my $buf;
shmread($id, $buf, 0, 8) or die "shmread: $!\n";
printf "counter is now %d\n", unpack("Q", $buf);
