#!/usr/bin/perl
# hit-counter.pl - the classic hit counter, in Perl, on a racelab segment.
#
#   perl hit-counter.pl KEY [N]      KEY as ipcs prints it (0x...) or decimal
#
# Opens the SysV segment by its key, then N times (default 1) reads the
# 8-byte native-endian counter at offset 0, adds one and writes it back.
# No lock: racelab's lock (semaphore, mutex, lock file) is invisible to it.
use strict;
use warnings;

my ($arg, $n) = @ARGV;
die "usage: perl hit-counter.pl KEY [N]\n" unless defined $arg;
my $key = $arg =~ /^0x/i ? hex($arg) : $arg;
$n //= 1;

my $id = shmget($key, 0, 0);              # 0, 0: open, never create
die "no segment with key $arg: $!\n" unless defined $id;
for (1 .. $n) {
	my $buf;
	shmread($id, $buf, 0, 8) or die "shmread: $!\n";
	my $count = unpack("Q", $buf);    # Q: native-endian uint64
	shmwrite($id, pack("Q", $count + 1), 0, 8) or die "shmwrite: $!\n";
}
my $buf;
shmread($id, $buf, 0, 8) or die "shmread: $!\n";
printf "counter is now %d\n", unpack("Q", $buf);
