export * from './range';
export * from './findings';
export * from './values';
export * from './sizes';
export * from './machine';
export * from './references';
