import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { ApiError } from './api';
import { shouldRetry } from './lib/errors';
import { shareUnchanged } from './lib/sharing';
import { reloadForSignIn } from './lib/signIn';
import { pollInterval, startLiveUpdates } from './live';
import { router } from './router';

const queryClient = new QueryClient({
  // 401: the session expired or the credentials changed; the server's answer to a reload signs in again
  queryCache: new QueryCache({
    onError: (error) => {
      if (error instanceof ApiError && error.status === 401) reloadForSignIn();
    },
  }),
  defaultOptions: {
    queries: {
      // Pushed updates invalidate queries; polling only covers the time the socket is down.
      refetchInterval: pollInterval,
      staleTime: 1000,
      // The built-in sharing loses keys named __proto__ (a task id, a kwargs key) on every refetch.
      structuralSharing: shareUnchanged,
      // A 4xx (a bad filter, an unknown id) stays what it is: its detail shows at once. Other
      // failures may be a server restart.
      retry: shouldRetry,
    },
  },
});

startLiveUpdates(queryClient);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
