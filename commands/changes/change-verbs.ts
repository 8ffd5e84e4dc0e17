/** The verbs of a previewed change's buttons (and their typed forms `aml apply <id>`, `aml cancel <id>`). */
export const APPLY_VERB = "apply";
export const CANCEL_VERB = "cancel";
/** An applied change's button: proposes the change that restores what it replaced (`aml revert`). */
export const REVERT_VERB = "revert";
