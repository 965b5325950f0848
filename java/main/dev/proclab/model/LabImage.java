package dev.proclab.model;

import java.util.List;

/**
 * What a fresh lab process looks like inside the kernel, measured on the machine by the caller (the
 * agent's own program, so not the book's business): how many of its VMAs have an anon_vma (anonymous
 * pages written: fork copies an anon_vma and its chain for each), and where it sleeps while idle in its
 * command loop (waiting for its next command on a socket).
 *
 * @param anonVmas   the image's VMAs that have an anon_vma
 * @param idleWchan  /proc/PID/wchan of an idle lab process
 * @param idleKstack /proc/PID/stack of an idle lab process, innermost first
 */
public record LabImage(int anonVmas, String idleWchan, List<String> idleKstack) {
    /** Measured on an x86_64 Linux 6.18 machine (proclab-agent built with glibc 2.36). */
    public static final LabImage DEFAULT = new LabImage(10, "__skb_wait_for_more_packets", List.of(
            "__skb_wait_for_more_packets", "__unix_dgram_recvmsg", "sock_recvmsg", "____sys_recvmsg", "___sys_recvmsg",
            "__sys_recvmsg", "do_syscall_64", "entry_SYSCALL_64_after_hwframe"));

    public LabImage {
        if (anonVmas < 0) throw new IllegalArgumentException("anonVmas < 0");
        idleKstack = List.copyOf(idleKstack);
    }
}
