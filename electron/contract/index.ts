export * from './result';
export * from './labels';
export * from './channels';
export * from './events';
export * from './api';
