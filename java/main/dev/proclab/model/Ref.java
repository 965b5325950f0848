package dev.proclab.model;

/** A refcounted shared object (files_struct, fs_struct): only its sharing is observable. */
final class Ref {
    int count = 1;
    long obj;    // its slab object while tracing (Trace), else 0
}
