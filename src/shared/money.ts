const REAIS = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });

/** Cents as people read money in Brazil: "R$ 1.234,56" (a plain space: Intl puts a no-break one). */
export const formatReais = (cents: number) => REAIS.format(cents / 100).replace(/\s/g, ' ');
