export * from './result';
export * from './labels';
export * from './channels/index';
export * from './events';
export * from './api';
export * from './quality';
export * from './review-rules';
export * from './report-formats';
