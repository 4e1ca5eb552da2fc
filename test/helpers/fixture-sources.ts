/**
 * Two small sources of the bundled fixtures (pipeline config YAML, paths relative to the config's
 * root), shared by the trials that need a quick real pipeline rather than the whole demo: the
 * onboarding CSAT survey and the social-media DMs: about 120 documents and 150 analysable
 * segments together.
 */

/** The onboarding CSAT survey; `extra` is appended as more keys of the source (indented by 4). */
export const onboardingSource = (extra = '') => `  - name: onboarding-csat
    kind: survey
    format: surveymonkey-csv
    paths: fixtures/surveys/onboarding-csat-surveymonkey.csv
    mapping:
      id: Respondent ID
      text: ["Tell us about your first box: what stood out, good or bad?"]
      score: { field: "How satisfied were you with your first Kestrel Kitchen box?", scale: csat5 }
      date: Start Date
${extra}`;

export const SOCIAL_DMS_SOURCE = `  - name: social-dms
    kind: ticket
    format: tickets-csv
    paths: fixtures/tickets/social-dms.csv
    mapping: { id: conversation_id, text: message, date: created_at, channel: platform }
`;
