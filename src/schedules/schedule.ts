// A hyperparameter schedule, as disent's: a function of the training step and the configured
// value that returns the value to use at that step (so r_start, r_end are ratios of the value).
export type Schedule = (step: number, value: number) => number;
