/** Three groups of seven sentences on topics no codeframe covers, for the discovery tests. */
export const GROUPS = {
  parking: [
    'There was nowhere to park near the pop-up store',
    'Parking at the store was a nightmare on Saturday',
    'The car park was full so I had to leave',
    'No parking spaces left at the shop again',
    'Finding a parking space took twenty minutes',
    'The parking fees near the store are crazy',
    'I gave up looking for parking and went home',
  ],
  packaging: [
    'So much plastic packaging in every box',
    'The plastic packaging is wasteful and not recyclable',
    'Please use less plastic packaging for the vegetables',
    'Every ingredient is wrapped in plastic packaging',
    'The amount of plastic packaging makes me feel guilty',
    'Could you switch to recyclable packaging instead of plastic',
    'Too much plastic packaging, my bin is full',
  ],
  recipes: [
    'The spicy recipes were far too hot for my kids',
    'Way too much chilli in the spicy recipes this week',
    'Could you label how spicy the recipes are',
    'The curry recipes are much too spicy for us',
    'Spicy recipes every week, we want milder options',
    'My partner cannot handle the spicy recipes',
    'Less chilli please, the recipes are too spicy',
  ],
};
