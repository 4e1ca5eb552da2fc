/** What the aggregation stage writes (owned by src/aggregate/). */
export const aggregateSchema = /* sql */ `
SELECT 1;
`;
