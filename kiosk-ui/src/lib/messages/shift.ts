/** Admin → cash-up per cashier (Kassenabschluss je Kassierer). */
export const de = {
  'shift.title': 'Kassenabschluss je Kassierer',
};

export const en: Record<keyof typeof de, string> = {
  'shift.title': 'Cash-up per cashier',
};
