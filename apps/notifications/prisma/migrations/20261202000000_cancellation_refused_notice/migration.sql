-- AlterEnum
ALTER TYPE "notice" ADD VALUE 'cancellation_refused';
