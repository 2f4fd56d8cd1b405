// The renderer's state classes use Svelte 5 runes; their ambient declarations come from svelte.
/// <reference types="svelte" />
