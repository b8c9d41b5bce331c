import { apiRequest } from '../../shared/api-client';

export interface AccountSummary {
  id: number;
  name: string;
  role: 'administrator' | 'agent';
}

export interface CurrentUser {
  id: number;
  name: string;
  available_name: string;
  email: string;
  account_id: number | null;
  role: 'administrator' | 'agent' | null;
  accounts: AccountSummary[];
}

export const signIn = (email: string, password: string) =>
  apiRequest<{ data: CurrentUser }>('POST', '/auth/sign_in', { email, password }).then((response) => response.data);

export const signOut = () => apiRequest<{ success: boolean }>('POST', '/auth/sign_out');

export const fetchProfile = () => apiRequest<CurrentUser>('GET', '/api/v1/profile');

export const setPasswordWithToken = (token: string, password: string) =>
  apiRequest<{ success: boolean }>('POST', '/auth/password', { token, password });
