package io.hftp.fuzz;

/**
 * How a byte stream is cut into the reads a channel sees, chosen by one byte of fuzz data, so that
 * a finding replays with exactly the same reads. The point is that a decoder must not care: a CR at
 * the end of a read, a line split just before its limit, a terminator split in two.
 */
public final class Pieces {
    private Pieces() {}

    /**
     * The lengths of the reads {@code length} bytes arrive in: seed 0 sends them whole, seed 1 one
     * byte at a time, any other seed pseudo-random reads of 1 up to a bound that the seed also
     * picks (from a few bytes to twice the small line limits the fuzz tests use).
     */
    public static int[] of(int seed, int length) {
        if (length == 0) {
            return new int[0];
        }
        if (seed == 0) {
            return new int[] {length};
        }
        if (seed == 1) {
            int[] ones = new int[length];
            java.util.Arrays.fill(ones, 1);
            return ones;
        }
        int bound = 2 + (seed * 37) % 140;
        int state = seed * 0x9E3779B1;
        int[] pieces = new int[length];
        int n = 0;
        for (int left = length; left > 0; ) {
            state ^= state << 13;
            state ^= state >>> 17;
            state ^= state << 5;
            int piece = Math.min(left, 1 + Math.floorMod(state, bound));
            pieces[n++] = piece;
            left -= piece;
        }
        return java.util.Arrays.copyOf(pieces, n);
    }
}
