// Terminal control sequences in text that is not going to a terminal as it came: a
// command's colours and cursor movement would break the debugger's layout and litter a
// CI log.

/** Escape sequences (CSI, OSC, two-byte) and control characters but tab and newline. */
const CONTROL = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f]/g;
/** Colour and style sequences (SGR) only. */
const COLOUR = /\x1b\[[0-9;:]*m/g;

export const withoutControl = (text: string): string => text.replace(CONTROL, '');
export const withoutColour = (text: string): string => text.replace(COLOUR, '');
