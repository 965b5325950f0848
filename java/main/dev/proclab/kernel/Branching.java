package dev.proclab.kernel;

import java.util.List;

/**
 * A kernel that knows where the real kernel is free to choose (which of two woken waiters runs
 * first) and can take each other way too. Its run takes the first way at every such point; {@link
 * #choices()} says how many ways there were at each, and {@link #replay} makes a fresh kernel that
 * takes given ways, so a comparison can find the history the real kernel actually took.
 */
public interface Branching {
    /** For each choice made so far, in order: how many ways there were. */
    List<Integer> choices();

    /** For each choice made so far: what it decided, in words. */
    List<String> choiceNames();

    /** For each choice made so far: its ways, in words (as many as {@link #choices()} says). */
    List<List<String>> choiceWays();

    /** A fresh kernel (not begun) that takes {@code ways} at its first choices and the first way after. */
    Kernel replay(List<Integer> ways);
}
