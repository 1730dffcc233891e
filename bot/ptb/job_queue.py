"""PTB's JobQueue, with every job run logging under its own correlation id and job name.

Updates get a correlation id in ``bot.ptb.application``; jobs (the dispatcher, escalation,
digests) need one too, or their log lines would carry whatever context armed
the timer (often an unrelated update's). PTB routes every APScheduler job
through ``JobQueue.job_callback``, so wrapping it here covers all jobs,
including ones added later, without each job having to remember.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Job, JobQueue

from bot.core.logging import job_context


class LoggedJobQueue(JobQueue[Any]):
    @staticmethod
    async def job_callback(job_queue: JobQueue[Any], job: Job[Any]) -> None:
        with job_context(job.name or "job"):
            await job.run(job_queue.application)
